package io.strata.bench.load;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.Compare;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.TxnRequest;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.api.mvccpb.Event;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * {@code k8s}: what the Kubernetes API server asks of etcd, as one row. Each client owns objects
 * under a prefix fresh per run and, one request at a time, lists the prefix with a limit (10 %),
 * creates an object with a Txn that succeeds only if its key does not exist, {@code mod_revision ==
 * 0} (30 %, and always while it owns none), or updates one of its objects with a Txn that succeeds
 * only if the key is unchanged since its last write, {@code mod_revision ==} the revision that
 * write returned (60 %). One prefix watch per connection must see every create and update; what has
 * not arrived by the request timeout after the last write counts as {@code MISSING_EVENT}. A Txn
 * whose compare fails is an error, {@code TXN_CONFLICT}, since no one else writes a client's
 * objects.
 */
final class KubernetesMix implements WorkloadDriver {
  /** Kubernetes pages lists by 500 items. */
  static final int LIST_LIMIT = 500;

  private static final double LIST_SHARE = 0.1;
  private static final double CREATE_SHARE = 0.3;

  private final LoadGenerator gen;
  private final LoadOptions options;
  private final ByteString prefix;
  private final ByteString prefixEnd;
  private final LongAdder lists = new LongAdder();
  private final LongAdder creates = new LongAdder();
  private final LongAdder updates = new LongAdder();
  private final LongAdder watchEvents = new LongAdder();
  private @Nullable WatchStreams watchStreams;
  private int watchers;

  KubernetesMix(LoadGenerator gen) {
    this.gen = gen;
    this.options = gen.options();
    this.prefix =
        ByteString.copyFrom(
            "/registry/strata-bench/"
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + "/",
            StandardCharsets.UTF_8);
    this.prefixEnd = prefixEnd(prefix);
  }

  /** The end of the range of every key starting with {@code p} (etcd's {@code --prefix}). */
  static ByteString prefixEnd(ByteString p) {
    byte[] end = p.toByteArray();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return ByteString.copyFrom(end, 0, i + 1);
      }
    }
    return ByteString.copyFrom(new byte[] {0}); // all keys: etcd's "\0" range end
  }

  @Override
  public int clients() {
    return options.clients();
  }

  @Override
  public void prepare(List<ManagedChannel> channels) throws InterruptedException {
    watchers = channels.size();
    watchStreams =
        WatchStreams.open(gen, channels, watchers, watchers, prefix, prefixEnd, this::received);
  }

  private void received(int watcher, Event e) {
    if (e.getType() == Event.EventType.PUT) {
      watchEvents.increment();
    } else {
      gen.failed("UNEXPECTED_EVENT");
    }
  }

  @Override
  public void start(List<ManagedChannel> channels, CountDownLatch done) {
    for (int i = 0; i < options.clients(); i++) {
      new Client(i, KVGrpc.newStub(channels.get(i % channels.size())), done).next();
    }
  }

  /**
   * Waits until every watcher has every acknowledged write, or the deadline; the rest is missing.
   */
  @Override
  public void drain(long deadlineNanos) throws InterruptedException {
    WatchStreams w = watchStreams;
    if (w != null) {
      long missing = w.awaitEvents(() -> creates.sum() + updates.sum(), deadlineNanos);
      if (missing > 0) {
        gen.failed("MISSING_EVENT", missing);
      }
    }
  }

  @Override
  public void close() {
    if (watchStreams != null) {
      watchStreams.close();
    }
  }

  @Override
  public Map<String, Number> details(long elapsedNanos) {
    Map<String, Number> d = new LinkedHashMap<>();
    d.put("lists", lists.sum());
    d.put("creates", creates.sum());
    d.put("updates", updates.sum());
    d.put("watchers", watchers);
    d.put("watch_events", watchEvents.sum());
    return d;
  }

  /**
   * One client and the objects it created, with the revision each was last written at. Only one
   * request is in flight, and each next one is issued from the completion of the last, so the lists
   * are never touched concurrently.
   */
  private final class Client {
    private final int id;
    private final KVGrpc.KVStub stub;
    private final CountDownLatch done;
    private final List<ByteString> objects = new ArrayList<>();
    private final List<Long> revisions = new ArrayList<>();

    Client(int id, KVGrpc.KVStub stub, CountDownLatch done) {
      this.id = id;
      this.stub = stub;
      this.done = done;
    }

    void next() {
      gen.sendNext(this::send, done::countDown);
    }

    private void send() {
      KVGrpc.KVStub s = stub.withDeadlineAfter(gen.requestTimeoutNanos(), TimeUnit.NANOSECONDS);
      long start = System.nanoTime();
      double pick = ThreadLocalRandom.current().nextDouble();
      if (objects.isEmpty() || (pick >= LIST_SHARE && pick < LIST_SHARE + CREATE_SHARE)) {
        create(s, start);
      } else if (pick < LIST_SHARE) {
        list(s, start);
      } else {
        update(s, start, ThreadLocalRandom.current().nextInt(objects.size()));
      }
    }

    private void list(KVGrpc.KVStub s, long start) {
      s.range(
          RangeRequest.newBuilder()
              .setKey(prefix)
              .setRangeEnd(prefixEnd)
              .setLimit(LIST_LIMIT)
              .setSerializable(options.consistency() == Consistency.SERIALIZABLE)
              .build(),
          new Completion<RangeResponse>(start) {
            @Override
            void succeeded(RangeResponse r) {
              lists.increment();
            }
          });
    }

    private void create(KVGrpc.KVStub s, long start) {
      ByteString key =
          prefix.concat(
              ByteString.copyFrom("c" + id + "-" + objects.size(), StandardCharsets.UTF_8));
      s.txn(
          guardedPut(key, 0),
          new Completion<TxnResponse>(start) {
            @Override
            void succeeded(TxnResponse r) {
              objects.add(key);
              revisions.add(r.getHeader().getRevision());
              creates.increment();
            }

            @Override
            void conflicted(TxnResponse r) {
              // An earlier create of this key timed out but was applied: adopt the object.
              RangeResponse current = r.getResponses(0).getResponseRange();
              if (current.getKvsCount() > 0) {
                objects.add(key);
                revisions.add(current.getKvs(0).getModRevision());
              }
            }
          });
    }

    private void update(KVGrpc.KVStub s, long start, int index) {
      s.txn(
          guardedPut(objects.get(index), revisions.get(index)),
          new Completion<TxnResponse>(start) {
            @Override
            void succeeded(TxnResponse r) {
              revisions.set(index, r.getHeader().getRevision());
              updates.increment();
            }

            @Override
            void conflicted(TxnResponse r) {
              // Resynchronise from the failure branch's get, as Kubernetes would re-read.
              RangeResponse current = r.getResponses(0).getResponseRange();
              if (current.getKvsCount() > 0) {
                revisions.set(index, current.getKvs(0).getModRevision());
              }
            }
          });
    }

    /** Put {@code key} if its mod_revision is {@code modRevision} (0: absent), else get it. */
    private TxnRequest guardedPut(ByteString key, long modRevision) {
      return TxnRequest.newBuilder()
          .addCompare(
              Compare.newBuilder()
                  .setKey(key)
                  .setTarget(Compare.CompareTarget.MOD)
                  .setResult(Compare.CompareResult.EQUAL)
                  .setModRevision(modRevision))
          .addSuccess(
              RequestOp.newBuilder()
                  .setRequestPut(PutRequest.newBuilder().setKey(key).setValue(gen.value())))
          .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)))
          .build();
    }

    /** Records the outcome, then issues the client's next request. */
    private abstract class Completion<T> implements StreamObserver<T> {
      private final long start;
      private @Nullable T response;

      Completion(long start) {
        this.start = start;
      }

      abstract void succeeded(T response);

      /** A Txn whose compare failed; nothing to do unless the request can resynchronise. */
      void conflicted(T response) {}

      @Override
      public void onNext(T r) {
        response = r;
      }

      @Override
      public void onCompleted() {
        T r = response;
        if (r == null) {
          gen.failed("EMPTY_RESPONSE");
        } else if (r instanceof TxnResponse txn && !txn.getSucceeded()) {
          gen.failed("TXN_CONFLICT");
          conflicted(r);
        } else {
          gen.succeeded(start);
          succeeded(r);
        }
        next();
      }

      @Override
      public void onError(Throwable t) {
        gen.failed(t);
        gen.retryLater(Client.this::next);
      }
    }
  }
}
