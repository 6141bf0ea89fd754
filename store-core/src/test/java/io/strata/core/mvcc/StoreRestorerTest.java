package io.strata.core.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.CompactedException;
import io.strata.core.backend.memory.MemoryBackend;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.RangeRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreRestorerTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void prepare_bumpsMarksCompactedClearsAppliedIndexAndOldMembers() {
    MemoryBackend backend = new MemoryBackend(io.strata.core.schema.ColumnFamilies.ALL);
    MvccStore store = MvccStore.open(backend);
    try (ApplyBatch batch = store.newBatch()) {
      batch.put(PutRequest.of(b("k"), b("v1")));
      batch.putState("member/m1", b("old"));
      batch.putState("lease/7", b("kept"));
      batch.commit(new AppliedIndex(3, 42));
    }
    try (ApplyBatch batch = store.newBatch()) {
      batch.put(PutRequest.of(b("k"), b("v2")));
      batch.commit(new AppliedIndex(3, 43));
    }
    long source = store.currentRevision();

    StoreRestorer.Restored r = StoreRestorer.prepare(backend, 100, true, List.of("member/"));

    assertThat(r.sourceRevision()).isEqualTo(source);
    assertThat(r.revision()).isEqualTo(source + 100);
    assertThat(r.compactRevision()).isEqualTo(source + 100);
    MvccStore restored = MvccStore.open(backend);
    assertThat(restored.currentRevision()).isEqualTo(source + 100);
    assertThat(restored.appliedIndex()).isEqualTo(AppliedIndex.NONE);
    assertThat(restored.state("member/m1")).isNull();
    assertThat(restored.state("lease/7")).isEqualTo(b("kept"));
    assertThat(restored.range(RangeRequest.get(b("k"))).kvs().get(0).value()).isEqualTo(b("v2"));
    assertThatThrownBy(() -> restored.range(RangeRequest.builder(b("k")).revision(source).build()))
        .isInstanceOf(CompactedException.class);
  }
}
