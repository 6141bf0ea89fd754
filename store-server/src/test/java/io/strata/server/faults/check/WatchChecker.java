package io.strata.server.faults.check;

import java.util.List;

/**
 * Watch completeness: each watcher received exactly the committed events on its prefix from its
 * start revision to the end of the run, in revision order, none missing and none twice, across
 * however many times it had to reconnect (a reconnect resumes from the last revision received plus
 * one, as etcd clients do). A watcher must have caught up with the final revision by the time the
 * run checks it.
 */
public final class WatchChecker {
  public static final String NAME = "watch";

  /** What one watcher received, all streams of it concatenated. */
  public record WatchLog(
      String id,
      String member,
      String prefix,
      long startRevision,
      List<Event> received,
      int reconnects) {}

  public void check(List<WatchLog> watchers, GroundTruth truth, Report report) {
    for (WatchLog w : watchers) {
      report.stat("watch.watchers", 1);
      report.stat("watch.events", w.received().size());
      report.stat("watch.reconnects", w.reconnects());
      List<Event> expected = truth.eventsFor(w.prefix(), w.startRevision());
      List<Event> got = w.received();
      int n = Math.min(expected.size(), got.size());
      int i = 0;
      while (i < n && expected.get(i).sameAs(got.get(i))) {
        i++;
      }
      String who =
          "watcher "
              + w.id()
              + " on "
              + w.member()
              + " prefix "
              + w.prefix()
              + " from "
              + w.startRevision();
      if (i < n) {
        Event e = expected.get(i);
        Event g = got.get(i);
        String kind;
        if (i > 0 && g.revision() <= got.get(i - 1).revision() && !sameRevisionBatch(got, i)) {
          kind = g.sameAs(got.get(i - 1)) ? "duplicated event" : "event out of order";
        } else if (got.subList(i + 1, got.size()).stream().anyMatch(e::sameAs)) {
          kind = "event out of order";
        } else if (g.revision() > e.revision()) {
          kind = "skipped event";
        } else {
          kind = "wrong event";
        }
        report.violation(
            NAME, who + ": " + kind + " at position " + i + ": expected " + e + ", got " + g);
      } else if (got.size() > expected.size()) {
        Event extra = got.get(expected.size());
        String kind =
            got.subList(0, expected.size()).stream().anyMatch(extra::sameAs)
                ? "duplicated event at the end: "
                : "event beyond the committed history: ";
        report.violation(NAME, who + ": " + kind + extra);
      } else if (got.size() < expected.size()) {
        report.violation(
            NAME,
            who
                + ": missing "
                + (expected.size() - got.size())
                + " events from "
                + expected.get(got.size())
                + " (received up to revision "
                + (got.isEmpty() ? w.startRevision() - 1 : got.get(got.size() - 1).revision())
                + ")");
      }
    }
  }

  /** Several events of one revision (one txn) legitimately share it: not a reordering. */
  private static boolean sameRevisionBatch(List<Event> got, int i) {
    return got.get(i).revision() == got.get(i - 1).revision() && !got.get(i).sameAs(got.get(i - 1));
  }
}
