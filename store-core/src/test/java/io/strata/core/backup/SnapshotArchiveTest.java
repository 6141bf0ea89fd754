package io.strata.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.backend.rocksdb.TmpRocksBackend;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Bytes;
import io.strata.core.kv.PutRequest;
import io.strata.core.mvcc.MvccStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotArchiveTest {
  @TempDir Path dir;

  private byte[] archiveOfStoreWith(int keys, int[] hash) throws Exception {
    try (TmpRocksBackend tmp = new TmpRocksBackend();
        MvccStore store = MvccStore.open(tmp.open())) {
      for (int i = 0; i < keys; i++) {
        store.put(
            PutRequest.of(Bytes.utf8("k" + i), Bytes.utf8("v" + i)), new AppliedIndex(1, i + 1));
      }
      hash[0] = store.hashKv(0).hash();
      Path checkpoint = dir.resolve("cp");
      store.checkpoint(checkpoint);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      SnapshotArchive.pack(checkpoint, out);
      assertThat((long) out.size()).isEqualTo(SnapshotArchive.packedSize(checkpoint));
      return out.toByteArray();
    }
  }

  @Test
  void packThenUnpack_opensAsTheSameStore() throws Exception {
    int[] hash = {0};
    byte[] archive = archiveOfStoreWith(500, hash);
    Path restored = dir.resolve("restored");
    SnapshotArchive.unpack(new ByteArrayInputStream(archive), restored);
    try (MvccStore copy = MvccStore.open(TmpRocksBackend.open(restored))) {
      assertThat(copy.currentRevision()).isEqualTo(501);
      assertThat(copy.hashKv(0).hash()).isEqualTo(hash[0]);
    }
  }

  @Test
  void truncatedOrFlippedFiles_areRefused_andNothingIsWritten() throws Exception {
    byte[] archive = archiveOfStoreWith(50, new int[1]);
    byte[] truncated = Arrays.copyOf(archive, archive.length - 10);
    Path target = dir.resolve("t");
    assertThatThrownBy(() -> SnapshotArchive.unpack(new ByteArrayInputStream(truncated), target))
        .isInstanceOf(CorruptSnapshotException.class)
        .hasMessageContaining("truncated");
    assertThat(target).doesNotExist();
    byte[] flipped = archive.clone();
    flipped[archive.length / 2] ^= 0x01;
    assertThatThrownBy(() -> SnapshotArchive.unpack(new ByteArrayInputStream(flipped), target))
        .isInstanceOf(CorruptSnapshotException.class);
    assertThat(target).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("partial"));
    }
    assertThatThrownBy(() -> SnapshotArchive.verify(new ByteArrayInputStream(new byte[] {1, 2, 3})))
        .hasMessageContaining("not a Strata snapshot");
  }
}
