package io.strata.client;

import com.google.protobuf.ByteString;
import io.strata.api.v3lockpb.LockResponse;
import io.strata.api.v3lockpb.UnlockResponse;
import java.util.concurrent.CompletableFuture;

/**
 * A distributed lock (etcd's v3lock service): {@link #lock} completes once the caller owns the
 * lock, and the returned key is held while {@code lease} lives, so a holder that dies without
 * unlocking releases the lock when its lease expires. Not retried: a lost reply may leave a waiting
 * key behind, which its lease removes.
 */
public interface Lock {
  CompletableFuture<LockResponse> lock(ByteString name, long lease);

  CompletableFuture<UnlockResponse> unlock(ByteString ownershipKey);
}
