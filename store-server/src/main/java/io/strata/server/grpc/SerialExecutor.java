package io.strata.server.grpc;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the state of one lock or
 * election request is touched only from its own serial executor, so it needs no further locking.
 */
final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

  private final Executor delegate;

  // Guarded by this.
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

  // Guarded by this: whether a drain is scheduled or running on the delegate.
  private boolean draining;

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RejectedExecutionException e) {
      // The member is shutting down; its calls are being closed anyway.
      synchronized (this) {
        tasks.clear();
        draining = false;
      }
    }
  }

  private void drain() {
    while (true) {
      Runnable task;
      synchronized (this) {
        task = tasks.poll();
        if (task == null) {
          draining = false;
          return;
        }
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.atWarn().setMessage("lock or election callback failed").setCause(e).log();
      }
    }
  }
}
