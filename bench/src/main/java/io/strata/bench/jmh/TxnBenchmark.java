package io.strata.bench.jmh;

import io.strata.core.kv.Compare;
import io.strata.core.kv.Op;
import io.strata.core.kv.OpResult;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.TxnRequest;
import io.strata.core.kv.TxnResult;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/** Transactions, each committed as its own batch. Scores are transactions per second. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TxnBenchmark {

  /**
   * Kubernetes' optimistic update (kube-apiserver's GuaranteedUpdate): if the key's modRevision is
   * still the one last read, put the new value, else read the key. The compare always holds here.
   */
  @Benchmark
  public TxnResult txnModComparePut(PreloadedStore s) {
    int i = s.randomIndex();
    byte[] key = s.keyAt(i);
    TxnRequest request =
        new TxnRequest(
            List.of(
                Compare.number(key, Compare.Target.MOD, Compare.Result.EQUAL, s.modRevision(i))),
            List.of(Op.put(PutRequest.of(key, s.newValue()))),
            List.of(Op.range(RangeRequest.get(key))));
    TxnResult result = s.store().txn(request, s.nextIndex()).result();
    if (!result.succeeded()) {
      throw new IllegalStateException("the compare failed: the tracked modRevision is stale");
    }
    s.written(i, ((OpResult.Put) result.responses().get(0)).result());
    return result;
  }
}
