package io.strata.server.raft;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.FileListSnapshotInfo;
import org.jspecify.annotations.Nullable;

/**
 * Raft snapshots as RocksDB checkpoints: each is a directory {@code snapshot.<term>_<index>} under
 * Ratis's state-machine directory, whose files Ratis streams to a follower that fell behind the
 * purged log. Directories are created under a temporary name and renamed, so a listed snapshot is
 * always complete. The two newest are kept (one may still be streaming while the next is taken).
 */
final class SnapshotStore implements StateMachineStorage {
  private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
  private static final int RETAINED = 2;

  private volatile @Nullable Path dir;
  private volatile @Nullable SnapshotInfo latest;

  @Override
  public void init(RaftStorage storage) throws IOException {
    Path sm = storage.getStorageDir().getStateMachineDir().toPath();
    Files.createDirectories(sm);
    dir = sm;
    refresh();
  }

  Path dir() {
    Path d = dir;
    if (d == null) {
      throw new IllegalStateException("snapshot store not initialized");
    }
    return d;
  }

  Path pathFor(TermIndex ti) {
    return dir().resolve("snapshot." + ti.getTerm() + "_" + ti.getIndex());
  }

  Path tempPathFor(TermIndex ti) {
    return dir()
        .resolve(".tmp.snapshot." + ti.getTerm() + "_" + ti.getIndex() + "." + System.nanoTime());
  }

  /** Re-reads the directory; called after a snapshot is taken or installed. */
  void refresh() throws IOException {
    Path newest = null;
    long newestIndex = -1;
    long newestTerm = -1;
    try (Stream<Path> entries = Files.list(dir())) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p)) {
          long index = Long.parseLong(m.group(2));
          if (index > newestIndex) {
            newest = p;
            newestIndex = index;
            newestTerm = Long.parseLong(m.group(1));
          }
        }
      }
    }
    if (newest == null) {
      latest = null;
      return;
    }
    List<FileInfo> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(newest)) {
      for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
        files.add(new FileInfo(f, null));
      }
    }
    latest = new FileListSnapshotInfo(files, newestTerm, newestIndex);
  }

  /** The directory of the newest snapshot, if any. */
  @Nullable Path latestDir() {
    SnapshotInfo info = latest;
    return info == null ? null : pathFor(info.getTermIndex());
  }

  @Override
  public @Nullable SnapshotInfo getLatestSnapshot() {
    return latest;
  }

  @Override
  public void format() {}

  @Override
  public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
    List<Path> snapshots = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir())) {
      entries
          .filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .forEach(snapshots::add);
    }
    snapshots.sort(Comparator.comparingLong(SnapshotStore::indexOf).reversed());
    for (int i = RETAINED; i < snapshots.size(); i++) {
      deleteRecursively(snapshots.get(i));
    }
  }

  /**
   * The index of the newest snapshot in a state-machine directory, or -1 if it holds none (or does
   * not exist); readable before the store is initialized.
   */
  static long newestIndex(Path smDir) throws IOException {
    if (!Files.isDirectory(smDir)) {
      return -1;
    }
    long newest = -1;
    try (Stream<Path> entries = Files.list(smDir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        if (Files.isDirectory(p)) {
          newest = Math.max(newest, indexOf(p));
        }
      }
    }
    return newest;
  }

  private static long indexOf(Path p) {
    Matcher m = NAME.matcher(p.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(2)) : -1;
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
