package io.strata.client.internal;

import com.google.protobuf.ByteString;
import io.strata.client.Watch;
import io.strata.client.WatchListener;
import io.strata.client.WatchOptions;
import io.strata.client.Watcher;
import java.util.concurrent.ScheduledExecutorService;

/** {@link Watch} with one resuming stream per watcher (see {@link ResumingWatcher}). */
final class GrpcWatch implements Watch {
  private final ClientSettings settings;
  private final Endpoints endpoints;
  private final ScheduledExecutorService scheduler;

  GrpcWatch(ClientSettings settings, Endpoints endpoints, ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.endpoints = endpoints;
    this.scheduler = scheduler;
  }

  @Override
  public Watcher watch(ByteString key, WatchOptions options, WatchListener listener) {
    ResumingWatcher w = new ResumingWatcher(settings, endpoints, scheduler, key, options, listener);
    w.start();
    return w;
  }
}
