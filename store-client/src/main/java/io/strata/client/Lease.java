package io.strata.client;

import io.strata.api.etcdserverpb.LeaseGrantResponse;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.api.etcdserverpb.LeaseLeasesResponse;
import io.strata.api.etcdserverpb.LeaseRevokeResponse;
import io.strata.api.etcdserverpb.LeaseTimeToLiveResponse;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's Lease service. {@link #keepAlive} renews a lease every third of its TTL over a stream that
 * reconnects to another member when its member fails or loses leadership. Errors: {@link
 * LeaseNotFoundException} for a lease that does not exist or expired.
 */
public interface Lease {
  /** Grants a lease of {@code ttlSeconds}; {@code id} 0 lets the server choose. */
  CompletableFuture<LeaseGrantResponse> grant(long ttlSeconds, long id);

  CompletableFuture<LeaseRevokeResponse> revoke(long id);

  /** The remaining TTL ({@code -1} if the lease does not exist), with its keys if asked. */
  CompletableFuture<LeaseTimeToLiveResponse> timeToLive(long id, boolean keys);

  CompletableFuture<LeaseLeasesResponse> leases();

  /** One renewal; fails with {@link LeaseNotFoundException} when the lease is gone. */
  CompletableFuture<LeaseKeepAliveResponse> keepAliveOnce(long id);

  KeepAlive keepAlive(long id, KeepAliveListener listener);

  default CompletableFuture<LeaseGrantResponse> grant(long ttlSeconds) {
    return grant(ttlSeconds, 0);
  }
}
