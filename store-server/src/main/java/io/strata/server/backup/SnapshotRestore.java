package io.strata.server.backup;

import io.strata.core.backend.BackendConfig;
import io.strata.core.backend.rocksdb.RocksBackend;
import io.strata.core.backup.SnapshotArchive;
import io.strata.core.mvcc.StoreRestorer;
import io.strata.core.schema.ColumnFamilies;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the data directory of one member of a new cluster from a snapshot file: {@code member/kv}
 * holds the snapshot's store with the applied index cleared, the old cluster's member attributes
 * and alarms dropped, and the revision bumped and compacted as asked; {@code member/raft} is left
 * absent, so the member formats a fresh Raft group from its flags. Each member of the new cluster
 * is restored from the same file with its own {@code --name}.
 *
 * <p>The file is verified whole before anything is created; the directory is then assembled under a
 * temporary name beside the target and renamed into place, so a failure leaves nothing at the
 * target.
 */
public final class SnapshotRestore {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotRestore.class);

  /** The default revision bump: far more writes than a cluster sees between backups. */
  public static final long DEFAULT_BUMP_REVISION = 1_000_000_000L;

  /** The member-state entries that belong to the old cluster, not to the data. */
  private static final List<String> OLD_CLUSTER_STATE = List.of("member/", "alarm/");

  /**
   * What to restore.
   *
   * @param initialCluster every member of the new cluster and its peer URLs
   * @param peerUrls this member's advertised peer URLs; must be its entry in {@code initialCluster}
   */
  public record Options(
      Path snapshot,
      Path dataDir,
      String name,
      Map<String, List<URI>> initialCluster,
      List<URI> peerUrls,
      long bumpRevision,
      boolean markCompacted) {}

  private SnapshotRestore() {}

  public static StoreRestorer.Restored restore(Options o) throws IOException {
    List<URI> listed = o.initialCluster().get(o.name());
    if (listed == null) {
      throw new IllegalArgumentException(
          "member " + o.name() + " is not in --initial-cluster " + o.initialCluster().keySet());
    }
    if (!new HashSet<>(listed).equals(new HashSet<>(o.peerUrls()))) {
      throw new IllegalArgumentException(
          "--initial-advertise-peer-urls "
              + o.peerUrls()
              + " do not match the --initial-cluster entry of "
              + o.name()
              + " "
              + listed);
    }
    Path target = o.dataDir().toAbsolutePath();
    if (Files.exists(target) && !isEmptyDir(target)) {
      throw new IOException("data-dir " + o.dataDir() + " exists");
    }
    if (!Files.isRegularFile(o.snapshot())) {
      throw new IOException("snapshot file " + o.snapshot() + " does not exist");
    }
    // First a full read that writes nothing: a bad file is refused before any directory exists.
    try (InputStream in = open(o.snapshot())) {
      SnapshotArchive.verify(in);
    }
    Files.createDirectories(target.getParent());
    Path staging = target.resolveSibling(target.getFileName() + ".restoring-" + System.nanoTime());
    try {
      Path kv = staging.resolve("member").resolve("kv");
      Files.createDirectories(kv.getParent());
      try (InputStream in = open(o.snapshot())) {
        SnapshotArchive.unpack(in, kv);
      }
      StoreRestorer.Restored restored;
      try (RocksBackend backend =
          RocksBackend.open(
              new BackendConfig(
                  kv,
                  ColumnFamilies.ALL,
                  BackendConfig.DEFAULT_BLOCK_CACHE_BYTES,
                  BackendConfig.DEFAULT_WRITE_BUFFER_BYTES,
                  true))) {
        restored =
            StoreRestorer.prepare(backend, o.bumpRevision(), o.markCompacted(), OLD_CLUSTER_STATE);
      }
      if (Files.exists(target)) {
        Files.delete(target); // empty, checked above
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      LOG.atInfo()
          .setMessage("restored snapshot")
          .addKeyValue("member", o.name())
          .addKeyValue("data-dir", target)
          .addKeyValue("revision", restored.revision())
          .addKeyValue("compact-revision", restored.compactRevision())
          .log();
      return restored;
    } finally {
      deleteRecursively(staging);
    }
  }

  private static InputStream open(Path file) throws IOException {
    return new BufferedInputStream(Files.newInputStream(file), 1 << 16);
  }

  private static boolean isEmptyDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
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
