package io.strata.server.faults.workload;

import io.strata.server.faults.history.History;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A kind of client traffic run by a few client threads, each issuing one operation at a time (the
 * checkers rely on that). A client sends to one member and moves to another after an error, as etcd
 * clients fail over. {@link #stop} lets every client finish its current operation.
 */
public abstract class Workload {
  protected final History history;
  protected final Clients clients;
  private final int clientCount;
  private final int firstClientId;
  private final long seed;
  private final long pauseMillis;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  protected Workload(
      History history,
      Clients clients,
      int firstClientId,
      int clientCount,
      long seed,
      long pauseMillis) {
    this.history = history;
    this.clients = clients;
    this.firstClientId = firstClientId;
    this.clientCount = clientCount;
    this.seed = seed;
    this.pauseMillis = pauseMillis;
  }

  /** One operation of client {@code client} against {@code member}; false if it failed. */
  protected abstract boolean step(int client, int member, Random random);

  public void start() {
    for (int i = 0; i < clientCount; i++) {
      int client = firstClientId + i;
      Random random = new Random(seed * 1_000_003L + client);
      Thread t =
          new Thread(
              () -> {
                int member = client % clients.size();
                while (!stopped) {
                  boolean ok;
                  try {
                    ok = step(client, member, random);
                  } catch (RuntimeException e) {
                    ok = false;
                  }
                  if (!ok) {
                    member = (member + 1 + random.nextInt(clients.size() - 1)) % clients.size();
                  }
                  // Pacing, not waiting for a condition: keeps the history small enough to check.
                  LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis));
                }
              },
              getClass().getSimpleName() + "-c" + client);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  public void stop() {
    stopped = true;
  }

  public boolean isStopped() {
    return stopped;
  }

  /** Waits for every client to finish its last operation. */
  public void join() throws InterruptedException {
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
  }
}
