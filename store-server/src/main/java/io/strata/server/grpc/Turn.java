package io.strata.server.grpc;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.core.kv.Event;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Waiting for one's turn under a lock or election prefix: etcd's {@code waitDeletes}. Repeatedly
 * finds the youngest key under the prefix created before ours and waits for its deletion, until no
 * older key is left, then reads our own key (as etcd's {@code Mutex.Lock} does) to make sure it
 * survived. Unlike etcd, which notices a lost key only after the older keys are gone, the wait also
 * watches our own key and fails with {@link KeyLostException} as soon as it is deleted, which is
 * what happens when its lease expires or is revoked.
 *
 * <p>Every step runs on the request's serial executor; nothing blocks a thread while waiting.
 */
final class Turn {
  /** Our own key was deleted while we waited. */
  static final class KeyLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyLostException() {
      super("own key deleted while waiting", null, false, false);
    }
  }

  private final Recipes recipes;
  private final SerialExecutor executor;
  private final ByteString prefix;
  private final ByteString key;
  private final long createRevision;
  private final CompletableFuture<RangeResponse> result = new CompletableFuture<>();

  // Touched only on the executor.
  private @Nullable HubWatch own;
  private @Nullable HubWatch older;

  /**
   * @param key our key under {@code prefix}, created at {@code createRevision}
   */
  Turn(
      Recipes recipes,
      SerialExecutor executor,
      ByteString prefix,
      ByteString key,
      long createRevision) {
    this.recipes = recipes;
    this.executor = executor;
    this.prefix = prefix;
    this.key = key;
    this.createRevision = createRevision;
  }

  /**
   * Starts waiting; our key is known to exist at {@code revision}. The future completes with a
   * linearizable read of our key once every older key is gone, or fails with {@link
   * KeyLostException}, etcd's compacted error, a read error, or {@link CancellationException} after
   * {@link #cancel}.
   */
  CompletableFuture<RangeResponse> start(long revision) {
    executor.execute(
        () -> {
          own =
              recipes.watch(
                  key,
                  ByteString.EMPTY,
                  revision + 1,
                  executor,
                  new HubWatch.Listener() {
                    @Override
                    public void events(List<Event> events, long rev) {
                      if (events.stream().anyMatch(e -> e.type() == Event.Type.DELETE)) {
                        finish(new KeyLostException());
                      }
                    }

                    @Override
                    public void compacted(long compactRevision) {
                      finish(compactedError());
                    }
                  });
          next();
        });
    return result;
  }

  /** Stops waiting; the future fails with {@link CancellationException}. */
  void cancel() {
    executor.execute(() -> finish(new CancellationException("call canceled")));
  }

  private void next() {
    if (result.isDone()) {
      return;
    }
    recipes
        .range(Recipes.lastCreateUpTo(prefix, createRevision - 1))
        .whenComplete(
            (r, e) ->
                executor.execute(
                    () -> {
                      if (result.isDone()) {
                        return;
                      }
                      if (e != null) {
                        finish(e);
                      } else if (r.getKvsCount() == 0) {
                        checkOwn();
                      } else {
                        awaitDelete(r.getKvs(0).getKey(), r.getHeader().getRevision());
                      }
                    }));
  }

  private void awaitDelete(ByteString olderKey, long revision) {
    older =
        recipes.watch(
            olderKey,
            ByteString.EMPTY,
            revision,
            executor,
            new HubWatch.Listener() {
              @Override
              public void events(List<Event> events, long rev) {
                if (events.stream().anyMatch(e -> e.type() == Event.Type.DELETE)) {
                  stopOlder();
                  next();
                }
              }

              @Override
              public void compacted(long compactRevision) {
                finish(compactedError());
              }
            });
  }

  /** No older key is left: our turn, if our own key is still the one we created. */
  private void checkOwn() {
    recipes
        .range(RangeRequest.newBuilder().setKey(key).build())
        .whenComplete(
            (r, e) ->
                executor.execute(
                    () -> {
                      if (e != null) {
                        finish(e);
                      } else if (r.getKvsCount() == 0
                          || r.getKvs(0).getCreateRevision() != createRevision) {
                        finish(new KeyLostException());
                      } else {
                        finish(r);
                      }
                    }));
  }

  private void stopOlder() {
    HubWatch w = older;
    if (w != null) {
      w.cancel();
      older = null;
    }
  }

  private void finish(RangeResponse ownKey) {
    if (!result.isDone()) {
      stopWatches();
      result.complete(ownKey);
    }
  }

  private void finish(Throwable error) {
    if (!result.isDone()) {
      stopWatches();
      result.completeExceptionally(error);
    }
  }

  private void stopWatches() {
    stopOlder();
    HubWatch w = own;
    if (w != null) {
      w.cancel();
      own = null;
    }
  }

  private static RuntimeException compactedError() {
    return EtcdErrors.of("etcdserver: mvcc: required revision has been compacted");
  }
}
