package io.strata.client;

import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;

/** Receives a lease's keep-alive responses (its TTL after each renewal). */
public interface KeepAliveListener {
  void onNext(LeaseKeepAliveResponse response);

  /** The lease is gone ({@link LeaseNotFoundException}): keep-alives stopped. */
  default void onError(Throwable error) {}
}
