package io.strata.client.internal;

import com.google.protobuf.ByteString;
import io.strata.api.v3lockpb.LockGrpc;
import io.strata.api.v3lockpb.LockRequest;
import io.strata.api.v3lockpb.LockResponse;
import io.strata.api.v3lockpb.UnlockRequest;
import io.strata.api.v3lockpb.UnlockResponse;
import io.strata.client.Lock;
import java.util.concurrent.CompletableFuture;

/** {@link Lock} over etcd's v3lock service; waiting for the lock has no deadline. */
final class GrpcLock implements Lock {
  private final Retrier retrier;

  GrpcLock(Retrier retrier) {
    this.retrier = retrier;
  }

  @Override
  public CompletableFuture<LockResponse> lock(ByteString name, long lease) {
    var request = LockRequest.newBuilder().setName(name).setLease(lease).build();
    return retrier.call(false, null, (ch, d, o) -> LockGrpc.newStub(ch).lock(request, o));
  }

  @Override
  public CompletableFuture<UnlockResponse> unlock(ByteString ownershipKey) {
    // Deleting the key twice is harmless: unlock is idempotent.
    var request = UnlockRequest.newBuilder().setKey(ownershipKey).build();
    return retrier.call(
        true,
        (ch, d, o) ->
            (d == null ? LockGrpc.newStub(ch) : LockGrpc.newStub(ch).withDeadline(d))
                .unlock(request, o));
  }
}
