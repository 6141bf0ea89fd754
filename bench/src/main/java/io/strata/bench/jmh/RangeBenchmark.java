package io.strata.bench.jmh;

import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.RangeResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/** Reads at the current revision of random existing keys. Scores are requests per second. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RangeBenchmark {
  /** Keys per range in {@link #range100}, also its limit. */
  static final int RANGE_KEYS = 100;

  /** A point read (etcd Range with an empty rangeEnd) of one random key. */
  @Benchmark
  public RangeResult get(PreloadedStore s) {
    return s.store().range(RangeRequest.get(s.keyAt(s.randomIndex())));
  }

  /** {@code [key(i), key(i + 100))} with limit 100: 100 consecutive keys from a random start. */
  @Benchmark
  public RangeResult range100(PreloadedStore s) {
    int from = s.randomIndex(s.keyCount - RANGE_KEYS);
    RangeRequest request =
        RangeRequest.builder(s.keyAt(from))
            .rangeEnd(s.keyAt(from + RANGE_KEYS))
            .limit(RANGE_KEYS)
            .build();
    return s.store().range(request);
  }
}
