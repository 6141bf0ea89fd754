package io.strata.client.internal;

import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.strata.client.EtcdException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs unary calls with etcd's retry rule: only UNAVAILABLE is retried, and only for idempotent
 * calls or when the request provably never left the client; each retry goes to the next endpoint
 * after a bounded, jittered backoff, all within one deadline for the whole call.
 */
final class Retrier {
  /** Starts one attempt of a call on {@code channel}. */
  interface Call<T> {
    void start(ManagedChannel channel, @Nullable Deadline deadline, StreamObserver<T> observer);
  }

  private final ClientSettings settings;
  private final Endpoints endpoints;
  private final ScheduledExecutorService scheduler;

  Retrier(ClientSettings settings, Endpoints endpoints, ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.endpoints = endpoints;
    this.scheduler = scheduler;
  }

  /** A call with the client's request timeout. */
  <T> CompletableFuture<T> call(boolean idempotent, Call<T> call) {
    return call(idempotent, settings.requestTimeout(), call);
  }

  /** A call bounded by {@code timeout}, or by nothing (a lock wait) when it is null. */
  <T> CompletableFuture<T> call(boolean idempotent, @Nullable Duration timeout, Call<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Deadline deadline =
        timeout == null ? null : Deadline.after(timeout.toMillis(), TimeUnit.MILLISECONDS);
    attempt(result, idempotent, call, deadline, 0, null);
    return result;
  }

  /** One attempt on one endpoint, never retried elsewhere (member-local calls such as Status). */
  <T> CompletableFuture<T> callOn(
      ManagedChannel channel, @Nullable Duration timeout, Call<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Deadline deadline =
        timeout == null ? null : Deadline.after(timeout.toMillis(), TimeUnit.MILLISECONDS);
    call.start(channel, deadline, new Collector<>(result));
    return result;
  }

  // A scheduled retry reports its outcome through result, as this attempt does: nothing waits for
  // the task itself.
  @SuppressWarnings("FutureReturnValueIgnored")
  private <T> void attempt(
      CompletableFuture<T> result,
      boolean idempotent,
      Call<T> call,
      @Nullable Deadline deadline,
      int attempt,
      @Nullable ManagedChannel only) {
    ManagedChannel channel = only != null ? only : endpoints.current();
    call.start(
        channel,
        deadline,
        new Collector<T>(result) {
          @Override
          public void onError(Throwable t) {
            Status.Code code = Status.fromThrowable(t).getCode();
            if (code != Status.Code.UNAVAILABLE) {
              result.completeExceptionally(Errors.from(t));
              return;
            }
            endpoints.failed(channel);
            boolean safe = idempotent || Errors.neverSent(t);
            long delay = settings.backoffMillis(attempt + 1);
            boolean inTime =
                deadline == null || deadline.timeRemaining(TimeUnit.MILLISECONDS) > delay;
            if (!safe || attempt >= settings.maxRetries() || !inTime || scheduler.isShutdown()) {
              result.completeExceptionally(
                  Errors.neverSent(t)
                      ? new EtcdException(
                          Status.Code.UNAVAILABLE,
                          "cannot reach " + channel.authority() + " (connection refused)",
                          t)
                      : Errors.from(t));
              return;
            }
            try {
              scheduler.schedule(
                  () -> attempt(result, idempotent, call, deadline, attempt + 1, only),
                  delay,
                  TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
              result.completeExceptionally(
                  new EtcdException(Status.Code.CANCELLED, "client is closed", e));
            }
          }
        });
  }

  /** Completes a future with a unary call's single reply. */
  private static class Collector<T> implements StreamObserver<T> {
    private final CompletableFuture<T> result;
    private @Nullable T value;

    Collector(CompletableFuture<T> result) {
      this.result = result;
    }

    @Override
    public void onNext(T v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(Errors.from(t));
    }

    @Override
    public void onCompleted() {
      T v = value;
      if (v == null) {
        result.completeExceptionally(
            new EtcdException(Status.Code.INTERNAL, "the server sent no reply"));
      } else {
        result.complete(v);
      }
    }
  }
}
