package io.strata.server.faults.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The committed history: every event from revision 2 (the first write) to the end, in revision
 * order, and each key's versions indexed for "what was the state at revision r" questions. A
 * cluster starts at revision 1 with no keys.
 */
public final class GroundTruth {
  /** A key's state after a revision: its value and when it was created and last modified. */
  public record KeyState(String value, long createRevision, long modRevision) {}

  private final List<Event> events;
  private final long lastRevision;

  /** Per key: revision -> state from then on ({@code null} value = deleted at that revision). */
  private final NavigableMap<String, NavigableMap<Long, Optional<KeyState>>> versions =
      new TreeMap<>();

  private final Map<String, Event> putsByKeyAndRevision = new HashMap<>();

  /**
   * Indexes {@code events}, which must be in revision order. {@code lastRevision} is the cluster's
   * revision at the end (at least the last event's).
   */
  public GroundTruth(List<Event> events, long lastRevision) {
    this.events = List.copyOf(events);
    this.lastRevision = lastRevision;
    for (Event e : events) {
      NavigableMap<Long, Optional<KeyState>> v =
          versions.computeIfAbsent(e.key(), k -> new TreeMap<>());
      if (e.delete()) {
        v.put(e.revision(), Optional.empty());
      } else {
        v.put(
            e.revision(),
            Optional.of(
                new KeyState(
                    e.value() == null ? "" : e.value(), e.createRevision(), e.revision())));
        putsByKeyAndRevision.put(e.key() + "@" + e.revision(), e);
      }
    }
  }

  public List<Event> events() {
    return events;
  }

  public long lastRevision() {
    return lastRevision;
  }

  /**
   * Structural checks of the committed history itself: revisions never decrease, and every revision
   * from 2 to the last has at least one event (every revision is made by a write that changed
   * something, so a revision without events means the replay lost one).
   */
  public void check(Report report) {
    long previous = 1;
    for (Event e : events) {
      if (e.revision() < previous) {
        report.violation(
            "ground-truth", "revision went backwards: " + e + " after revision " + previous);
      } else if (e.revision() > previous + 1) {
        report.violation(
            "ground-truth",
            "no event for revisions "
                + (previous + 1)
                + ".."
                + (e.revision() - 1)
                + " before "
                + e);
      }
      previous = Math.max(previous, e.revision());
    }
    if (lastRevision > previous) {
      report.violation(
          "ground-truth",
          "no event for revisions "
              + (previous + 1)
              + ".."
              + lastRevision
              + " (the last revision)");
    }
    report.stat("events", events.size());
  }

  /** The key's state after every write up to and including {@code revision}, if it existed. */
  public Optional<KeyState> stateAt(String key, long revision) {
    NavigableMap<Long, Optional<KeyState>> v = versions.get(key);
    if (v == null) {
      return Optional.empty();
    }
    Map.Entry<Long, Optional<KeyState>> e = v.floorEntry(revision);
    return e == null ? Optional.empty() : e.getValue();
  }

  /** The live keys under {@code prefix} at {@code revision}, in key order. */
  public SortedMap<String, KeyState> prefixAt(String prefix, long revision) {
    SortedMap<String, KeyState> out = new TreeMap<>();
    for (String key : versions.tailMap(prefix, true).keySet()) {
      if (!key.startsWith(prefix)) {
        break;
      }
      stateAt(key, revision).ifPresent(s -> out.put(key, s));
    }
    return out;
  }

  /** The put of {@code key} at exactly {@code revision}, if there was one. */
  public Optional<Event> putAt(String key, long revision) {
    return Optional.ofNullable(putsByKeyAndRevision.get(key + "@" + revision));
  }

  /** The events on keys in {@code [key, rangeEnd)} (a prefix watch) from {@code from} on. */
  public List<Event> eventsFor(String prefix, long from) {
    List<Event> out = new ArrayList<>();
    for (Event e : events) {
      if (e.revision() >= from && e.key().startsWith(prefix)) {
        out.add(e);
      }
    }
    return out;
  }
}
