package io.strata.server.backup;

import io.strata.core.backend.BackendConfig;
import io.strata.core.backend.rocksdb.RocksBackend;
import io.strata.core.backup.SnapshotArchive;
import io.strata.core.kv.RangeRequest;
import io.strata.core.mvcc.MvccStore;
import io.strata.core.schema.ColumnFamilies;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a snapshot file holds: its store's revision, the number of keys live at that revision, the
 * file's size, and the store's HashKV at that revision (comparable with {@code endpoint hashkv} of
 * the member it came from). Reading it means unpacking the file into a temporary directory, which
 * is deleted afterwards; a corrupted or truncated file is refused.
 */
public record SnapshotStatus(int hash, long revision, long totalKeys, long totalSize) {

  public static SnapshotStatus of(Path file, Path tmpRoot) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("snapshot file " + file + " does not exist");
    }
    Path tmp = Files.createTempDirectory(tmpRoot, "strata-snapshot-status-");
    try {
      Path kv = tmp.resolve("kv");
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        SnapshotArchive.unpack(in, kv);
      }
      try (MvccStore store =
          MvccStore.open(RocksBackend.open(BackendConfig.defaults(kv, ColumnFamilies.ALL)))) {
        long revision = store.currentRevision();
        long keys =
            store
                .range(
                    RangeRequest.builder(new byte[] {0})
                        .rangeEnd(new byte[] {0})
                        .countOnly(true)
                        .build())
                .count();
        return new SnapshotStatus(store.hashKv(revision).hash(), revision, keys, Files.size(file));
      }
    } finally {
      SnapshotRestore.deleteRecursively(tmp);
    }
  }
}
