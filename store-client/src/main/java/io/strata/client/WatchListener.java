package io.strata.client;

import io.strata.api.etcdserverpb.WatchResponse;

/**
 * Receives a watch's responses, one at a time and in revision order: each carries the events of one
 * or more whole revisions, or none for a progress notification (every event up to its header
 * revision has been delivered). Across reconnects no event is delivered twice or skipped.
 */
public interface WatchListener {
  void onNext(WatchResponse response);

  /**
   * The watch ended and will deliver nothing more: a {@link CompactedException} when it fell behind
   * compaction (re-list, then watch again from the listed revision + 1), or another {@link
   * EtcdException} the server canceled it with.
   */
  default void onError(Throwable error) {}

  /** The watch was closed by {@link Watcher#close()}. */
  default void onCompleted() {}
}
