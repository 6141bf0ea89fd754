package io.strata.client;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.CompactionResponse;
import io.strata.api.etcdserverpb.DeleteRangeResponse;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.RangeResponse;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's KV service. Reads are linearizable unless {@link GetOptions.Builder#serializable} is set.
 * Reads and compaction are retried on another member while the cluster is unavailable; writes are
 * retried only when the request provably never left the client, so a retry never writes twice.
 *
 * <p>Errors: {@link CompactedException} for a read below the compact revision, {@link
 * EtcdException} with etcd's message for the rest ({@code etcdserver: mvcc: required revision is a
 * future revision}, {@code etcdserver: key is not provided}, ...).
 */
public interface KV {
  CompletableFuture<RangeResponse> get(ByteString key, GetOptions options);

  CompletableFuture<PutResponse> put(ByteString key, ByteString value, PutOptions options);

  CompletableFuture<DeleteRangeResponse> delete(ByteString key, DeleteOptions options);

  Txn txn();

  /** Compacts history at {@code revision}; {@code physical} waits until it is removed on disk. */
  CompletableFuture<CompactionResponse> compact(long revision, boolean physical);

  default CompletableFuture<RangeResponse> get(ByteString key) {
    return get(key, GetOptions.DEFAULT);
  }

  default CompletableFuture<PutResponse> put(ByteString key, ByteString value) {
    return put(key, value, PutOptions.DEFAULT);
  }

  default CompletableFuture<DeleteRangeResponse> delete(ByteString key) {
    return delete(key, DeleteOptions.DEFAULT);
  }
}
