package io.strata.bench.load;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.TxnRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The unary KV workloads, {@code put}, {@code range}, {@code txn-put} and {@code txn-mixed}: each
 * client keeps one request in flight and issues the next from the completion of the last (under
 * {@code --rate}, at the next slot of the shared limiter).
 */
final class KvClients implements WorkloadDriver {
  private final LoadGenerator gen;
  private final LoadOptions options;
  private final LongAdder reads = new LongAdder();
  private final LongAdder writes = new LongAdder();

  /** {@code txn-mixed}: the share of requests that are writes, from reads per write. */
  private final double writeShare;

  /** {@code txn-mixed}: requests chosen so far, over all clients. */
  private final AtomicLong mixedRequests = new AtomicLong();

  KvClients(LoadGenerator gen) {
    this.gen = gen;
    this.options = gen.options();
    this.writeShare = 1 / (1 + options.params().readsPerWrite());
  }

  /**
   * Whether the {@code n}th request (from 0) of {@code txn-mixed} writes: exactly when the count of
   * writes due, {@code floor((n + 1) * writeShare)}, steps up. The ratio then holds at every point
   * of even a short run (2 reads per write: read, read, write, read, read, write, ...), which a
   * random draw would only approach.
   */
  static boolean isWrite(long n, double writeShare) {
    return Math.floor((n + 1) * writeShare) > Math.floor(n * writeShare);
  }

  @Override
  public int clients() {
    return options.clients();
  }

  @Override
  public void start(List<ManagedChannel> channels, CountDownLatch done) {
    for (int i = 0; i < options.clients(); i++) {
      new Client(KVGrpc.newStub(channels.get(i % channels.size())), done).next();
    }
  }

  @Override
  public Map<String, Number> details(long elapsedNanos) {
    Map<String, Number> d = new LinkedHashMap<>();
    switch (options.workload()) {
      case TXN_PUT -> d.put("txn_ops", options.params().txnOps());
      case TXN_MIXED -> {
        d.put("reads", reads.sum());
        d.put("writes", writes.sum());
        d.put("txn_ops", options.params().txnOps());
      }
      default -> {}
    }
    return d;
  }

  private RangeRequest get() {
    return RangeRequest.newBuilder()
        .setKey(gen.nextKey())
        .setSerializable(options.consistency() == Consistency.SERIALIZABLE)
        .build();
  }

  /** A Txn of {@code txn-ops} puts of consecutive (so distinct) keys and no compare. */
  private TxnRequest txnPut() {
    int ops = options.params().txnOps();
    long first = gen.nextKeyIndex(ops);
    TxnRequest.Builder txn = TxnRequest.newBuilder();
    for (int i = 0; i < ops; i++) {
      txn.addSuccess(
          RequestOp.newBuilder()
              .setRequestPut(
                  PutRequest.newBuilder().setKey(gen.keyAt(first + i)).setValue(gen.value())));
    }
    return txn.build();
  }

  /** One client: a request in flight at a time, the next issued when the last completes. */
  private final class Client {
    private final KVGrpc.KVStub stub;
    private final CountDownLatch done;

    Client(KVGrpc.KVStub stub, CountDownLatch done) {
      this.stub = stub;
      this.done = done;
    }

    void next() {
      gen.sendNext(this::send, done::countDown);
    }

    private void send() {
      KVGrpc.KVStub s = stub.withDeadlineAfter(gen.requestTimeoutNanos(), TimeUnit.NANOSECONDS);
      long start = System.nanoTime();
      switch (options.workload()) {
        case PUT ->
            s.put(
                PutRequest.newBuilder().setKey(gen.nextKey()).setValue(gen.value()).build(),
                new Completion<>(start, null));
        case RANGE -> s.range(get(), new Completion<>(start, null));
        case TXN_PUT -> s.txn(txnPut(), new Completion<>(start, null));
        case TXN_MIXED -> {
          if (isWrite(mixedRequests.getAndIncrement(), writeShare)) {
            s.txn(txnPut(), new Completion<>(start, writes));
          } else {
            s.range(get(), new Completion<>(start, reads));
          }
        }
        default -> throw new IllegalStateException(options.workload() + " is no KV workload");
      }
    }

    private final class Completion<T> implements StreamObserver<T> {
      private final long start;
      private final @Nullable LongAdder kind;

      /**
       * @param kind what to count the success under as well ({@code txn-mixed}), or null
       */
      Completion(long start, @Nullable LongAdder kind) {
        this.start = start;
        this.kind = kind;
      }

      @Override
      public void onNext(T response) {}

      @Override
      public void onCompleted() {
        gen.succeeded(start);
        if (kind != null) {
          kind.increment();
        }
        next();
      }

      @Override
      public void onError(Throwable t) {
        gen.failed(t);
        // Not from this thread: a failing channel may fail synchronously, and retrying at once
        // would recurse and spin.
        gen.retryLater(Client.this::next);
      }
    }
  }
}
