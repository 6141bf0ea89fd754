package io.strata.client;

import io.strata.api.etcdserverpb.MemberAddResponse;
import io.strata.api.etcdserverpb.MemberListResponse;
import io.strata.api.etcdserverpb.MemberPromoteResponse;
import io.strata.api.etcdserverpb.MemberRemoveResponse;
import io.strata.api.etcdserverpb.MemberUpdateResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** etcd's Cluster service. Only the list is retried; membership changes are not. */
public interface Cluster {
  CompletableFuture<MemberListResponse> memberList(boolean linearizable);

  CompletableFuture<MemberAddResponse> memberAdd(List<String> peerUrls, boolean learner);

  CompletableFuture<MemberRemoveResponse> memberRemove(long id);

  CompletableFuture<MemberUpdateResponse> memberUpdate(long id, List<String> peerUrls);

  CompletableFuture<MemberPromoteResponse> memberPromote(long id);
}
