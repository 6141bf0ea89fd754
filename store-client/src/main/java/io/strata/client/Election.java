package io.strata.client;

import com.google.protobuf.ByteString;
import io.strata.api.v3electionpb.CampaignResponse;
import io.strata.api.v3electionpb.LeaderKey;
import io.strata.api.v3electionpb.LeaderResponse;
import io.strata.api.v3electionpb.ProclaimResponse;
import io.strata.api.v3electionpb.ResignResponse;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Leader election (etcd's v3election service): {@link #campaign} completes once the caller leads,
 * for as long as its lease lives; {@link #observe} reports each new leader value.
 */
public interface Election {
  CompletableFuture<CampaignResponse> campaign(ByteString name, long lease, ByteString value);

  CompletableFuture<ProclaimResponse> proclaim(LeaderKey leader, ByteString value);

  CompletableFuture<LeaderResponse> leader(ByteString name);

  CompletableFuture<ResignResponse> resign(LeaderKey leader);

  /** Reports the current leader then each change, until the returned handle is closed. */
  AutoCloseable observe(ByteString name, Consumer<LeaderResponse> leaders);
}
