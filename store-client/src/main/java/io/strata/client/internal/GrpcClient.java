package io.strata.client.internal;

import io.strata.client.Client;
import io.strata.client.Cluster;
import io.strata.client.Election;
import io.strata.client.KV;
import io.strata.client.Lease;
import io.strata.client.Lock;
import io.strata.client.Maintenance;
import io.strata.client.Watch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link Client}: endpoints, one scheduler for retries, reconnects and keep-alive ticks, and a
 * daemon executor for gRPC callbacks (listeners run there, so a slow listener delays only its own
 * stream).
 */
public final class GrpcClient implements Client {
  private final ExecutorService callbacks;
  private final ScheduledExecutorService scheduler;
  private final Endpoints endpoints;
  private final KV kv;
  private final Watch watch;
  private final Lease lease;
  private final Cluster cluster;
  private final Maintenance maintenance;
  private final Lock lock;
  private final Election election;

  private GrpcClient(ClientSettings settings) {
    this.callbacks = Executors.newCachedThreadPool(daemon("strata-client-"));
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("strata-timer-"));
    timer.setRemoveOnCancelPolicy(true);
    this.scheduler = timer;
    this.endpoints = new Endpoints(settings, callbacks);
    Retrier retrier = new Retrier(settings, endpoints, scheduler);
    this.kv = new GrpcKv(retrier);
    this.watch = new GrpcWatch(settings, endpoints, scheduler);
    this.lease = new GrpcLease(settings, endpoints, retrier, scheduler);
    this.cluster = new GrpcCluster(retrier);
    this.maintenance = new GrpcMaintenance(settings, endpoints, retrier);
    this.lock = new GrpcLock(retrier);
    this.election = new GrpcElection(endpoints, retrier);
  }

  public static Client create(ClientSettings settings) {
    return new GrpcClient(settings);
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public KV kv() {
    return kv;
  }

  @Override
  public Watch watch() {
    return watch;
  }

  @Override
  public Lease lease() {
    return lease;
  }

  @Override
  public Cluster cluster() {
    return cluster;
  }

  @Override
  public Maintenance maintenance() {
    return maintenance;
  }

  @Override
  public Lock lock() {
    return lock;
  }

  @Override
  public Election election() {
    return election;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    endpoints.close();
    callbacks.shutdownNow();
  }
}
