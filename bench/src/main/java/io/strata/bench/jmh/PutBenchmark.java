package io.strata.bench.jmh;

import io.strata.core.kv.Event;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.PutResult;
import io.strata.core.mvcc.ApplyBatch;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Single-key puts that overwrite a random existing key (an update, the common write of a Kubernetes
 * control plane), each at its own revision. Scores are puts per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PutBenchmark {
  /** Puts per {@link ApplyBatch} in {@link #putBatched}, as a Raft apply loop would group them. */
  static final int BATCH = 100;

  /** {@value #BATCH} puts applied to one batch and committed in one backend write. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Event> putBatched(PreloadedStore s) {
    try (ApplyBatch batch = s.store().newBatch()) {
      for (int n = 0; n < BATCH; n++) {
        int i = s.randomIndex();
        s.written(i, batch.put(PutRequest.of(s.keyAt(i), s.newValue())));
      }
      return batch.commit(s.nextIndex());
    }
  }

  /** One put per batch, so one backend write per put. */
  @Benchmark
  public PutResult putSingle(PreloadedStore s) {
    int i = s.randomIndex();
    PutResult result =
        s.store().put(PutRequest.of(s.keyAt(i), s.newValue()), s.nextIndex()).result();
    s.written(i, result);
    return result;
  }
}
