package io.strata.client;

import io.strata.api.etcdserverpb.AlarmMember;
import io.strata.api.etcdserverpb.AlarmResponse;
import io.strata.api.etcdserverpb.DefragmentResponse;
import io.strata.api.etcdserverpb.HashKVResponse;
import io.strata.api.etcdserverpb.MoveLeaderResponse;
import io.strata.api.etcdserverpb.StatusResponse;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * etcd's Maintenance service. Member-local calls (status, hash, defragment) name the endpoint they
 * go to, one of the client's endpoints as given to the builder.
 */
public interface Maintenance {
  /** The client's endpoints, as given to the builder. */
  List<String> endpoints();

  CompletableFuture<StatusResponse> status(String endpoint);

  CompletableFuture<HashKVResponse> hashKv(String endpoint, long revision);

  CompletableFuture<DefragmentResponse> defragment(String endpoint);

  CompletableFuture<AlarmResponse> alarmList();

  CompletableFuture<AlarmResponse> alarmDisarm(AlarmMember alarm);

  /** Transfers leadership to {@code targetId}: sent to whichever endpoint is the leader. */
  CompletableFuture<MoveLeaderResponse> moveLeader(long targetId);

  /**
   * Streams a consistent snapshot of the member at the first endpoint into {@code out}: every byte
   * including etcd's trailing SHA-256, which is checked at the end (an {@link EtcdException} with
   * code DATA_LOSS if it does not match). {@code progress} gets the bytes received so far. The
   * result is the number of bytes written.
   */
  CompletableFuture<Long> snapshot(OutputStream out, LongConsumer progress);
}
