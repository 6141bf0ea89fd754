package io.strata.server.raft;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.util.SizeInBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before Ratis opens a member's Raft log, drops the log when every entry in it is older than the
 * member's newest snapshot.
 *
 * <p>A member is left that way when it stops after a snapshot got ahead of its log file: killed
 * right after Ratis installed a snapshot from the leader (Ratis replaces {@code sm/} at once, and
 * closes and purges the old log afterwards on its log worker), or, before async fsync was turned
 * off (see {@link RatisProperties}), after it snapshotted entries still in the log's write buffer.
 * Ratis 3.2.2 opens such a log as is: it purges the closed segments below the snapshot but keeps
 * the open one, so the first entry the leader sends after the snapshot passes validation, the open
 * segment is rolled at its own end, and the append fails ("gap between start index ... and first
 * entry to append ..."). The failed append either closes the Raft server (the log worker rejects
 * the entry already queued) or fails every later append; either way the member answers clients but
 * never applies anything again (docs/robustness.md, fault runs seeds 206 and 208).
 *
 * <p>Dropping the log is what Ratis does when a snapshot is installed over an older log, and what
 * Raft prescribes: the snapshot holds the committed state up to its index, which supersedes every
 * entry of the log, committed or a stale leftover of an old term. The configuration survives in
 * {@code raft-meta.conf}, which Ratis writes whenever it applies or installs one. A log that
 * reaches the snapshot or beyond is left to Ratis, as is one it cannot read.
 */
final class StaleLogCleaner {
  private static final Logger LOG = LoggerFactory.getLogger(StaleLogCleaner.class);

  /**
   * Ratis's closed segment files: {@code log_<first>-<last>}; open ones are {@code
   * log_inprogress_<first>}.
   */
  private static final Pattern CLOSED = Pattern.compile("log_(\\d+)-(\\d+)");

  private StaleLogCleaner() {}

  /**
   * Deletes the log segments of the Raft group stored in {@code groupDir} if they all end before
   * the newest snapshot in its {@code sm/}. Returns the number of files deleted.
   *
   * @param maxEntryBytes the largest entry Ratis accepts, for reading an open segment
   */
  static int dropLogBehindSnapshot(Path groupDir, SizeInBytes maxEntryBytes) throws IOException {
    Path current = groupDir.resolve("current");
    long snapshot = SnapshotStore.newestIndex(groupDir.resolve("sm"));
    if (snapshot < 0 || !Files.isDirectory(current)) {
      return 0;
    }
    List<Path> segments = new ArrayList<>();
    try (Stream<Path> files = Files.list(current)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.startsWith("log_") && Files.size(f) > 0) {
          segments.add(f);
        }
      }
    }
    long last = -1;
    for (Path segment : segments) {
      long end = lastIndex(segment, maxEntryBytes);
      if (end < 0) {
        return 0; // not a segment Ratis would load, or unreadable: Ratis decides
      }
      last = Math.max(last, end);
    }
    if (segments.isEmpty() || last >= snapshot) {
      return 0;
    }
    LOG.atWarn()
        .setMessage("raft log ends before the newest snapshot; dropping it")
        .addKeyValue("log-last-index", last)
        .addKeyValue("snapshot-index", snapshot)
        .addKeyValue("segments", segments.size())
        .log();
    for (Path segment : segments) {
      Files.delete(segment);
    }
    return segments.size();
  }

  /** The index of the last entry in a segment file, or -1 if it has none or cannot be read. */
  private static long lastIndex(Path segment, SizeInBytes maxEntryBytes) {
    Matcher closed = CLOSED.matcher(segment.getFileName().toString());
    if (closed.matches()) {
      return Long.parseLong(closed.group(2));
    }
    LogSegmentPath path = LogSegmentPath.matchLogSegment(segment);
    if (path == null) {
      return -1;
    }
    AtomicLong last = new AtomicLong(-1);
    try {
      LogSegment.readSegmentFile(
          segment.toFile(),
          path.getStartEnd(),
          maxEntryBytes,
          RaftServerConfigKeys.Log.CorruptionPolicy.EXCEPTION,
          null,
          e -> last.accumulateAndGet(e.getIndex(), Math::max));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return last.get();
  }
}
