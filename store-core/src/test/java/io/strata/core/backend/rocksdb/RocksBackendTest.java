package io.strata.core.backend.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.BackendException;
import io.strata.core.backend.Backend;
import io.strata.core.backend.BackendConfig;
import io.strata.core.backend.BackendContractTest;
import io.strata.core.backend.ReadView;
import io.strata.core.backend.WriteBatch;
import io.strata.core.kv.Bytes;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RocksBackendTest extends BackendContractTest {
  private final TmpRocksBackend tmp = new TmpRocksBackend();

  @Override
  protected Backend newBackend() {
    return RocksBackend.open(BackendConfig.defaults(tmp.dir(), List.of(A, B)));
  }

  @AfterEach
  void deleteDir() {
    tmp.close();
  }

  @Test
  void open_lockedByAnotherInstance_failsWithBackendException() {
    try (TmpRocksBackend other = new TmpRocksBackend();
        RocksBackend first = RocksBackend.open(BackendConfig.defaults(other.dir(), List.of(A)))) {
      assertThatThrownBy(() -> RocksBackend.open(BackendConfig.defaults(other.dir(), List.of(A))))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("cannot open RocksDB");
      assertThat(first.approximateSize()).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void checkpoint_reopensWithSameData() {
    try (TmpRocksBackend other = new TmpRocksBackend()) {
      var path = other.newPath("cp");
      try (RocksBackend b = RocksBackend.open(BackendConfig.defaults(other.dir(), List.of(A)))) {
        try (WriteBatch batch = b.newBatch()) {
          batch.put(A, Bytes.utf8("k"), Bytes.utf8("v"));
          b.write(batch);
        }
        b.checkpoint(path);
      }
      try (RocksBackend copy = RocksBackend.open(BackendConfig.defaults(path, List.of(A)));
          ReadView view = copy.latest()) {
        assertThat(view.get(A, Bytes.utf8("k"))).isEqualTo(Bytes.utf8("v"));
      } finally {
        TmpRocksBackend.deleteRecursively(path);
      }
    }
  }

  @Test
  void withoutWal_cleanCloseAndCheckpointKeepEveryWrite() {
    try (TmpRocksBackend other = new TmpRocksBackend()) {
      var path = other.newPath("cp");
      BackendConfig noWal = BackendConfig.defaults(other.dir(), List.of(A, B)).withWal(false);
      try (RocksBackend b = RocksBackend.open(noWal)) {
        try (WriteBatch batch = b.newBatch()) {
          batch.put(A, Bytes.utf8("k"), Bytes.utf8("v"));
          batch.put(B, Bytes.utf8("k"), Bytes.utf8("w"));
          b.write(batch);
        }
        // Nothing is flushed yet: the checkpoint must flush both column families itself.
        b.checkpoint(path);
      }
      try (RocksBackend reopened = RocksBackend.open(noWal);
          ReadView view = reopened.latest()) {
        assertThat(view.get(A, Bytes.utf8("k"))).isEqualTo(Bytes.utf8("v"));
        assertThat(view.get(B, Bytes.utf8("k"))).isEqualTo(Bytes.utf8("w"));
      }
      try (RocksBackend copy = RocksBackend.open(BackendConfig.defaults(path, List.of(A, B)));
          ReadView view = copy.latest()) {
        assertThat(view.get(A, Bytes.utf8("k"))).isEqualTo(Bytes.utf8("v"));
        assertThat(view.get(B, Bytes.utf8("k"))).isEqualTo(Bytes.utf8("w"));
      } finally {
        TmpRocksBackend.deleteRecursively(path);
      }
    }
  }

  @Test
  void syncedWritesWithoutWal_areRefused() {
    assertThatThrownBy(
            () -> BackendConfig.defaults(tmp.dir(), List.of(A)).withSyncWrites(true).withWal(false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
