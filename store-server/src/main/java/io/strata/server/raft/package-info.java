/**
 * Replication through Apache Ratis; the only package that imports {@code org.apache.ratis} (and its
 * shaded {@code org.apache.ratis.thirdparty}, whose ByteString is not protobuf's).
 *
 * <p>Key types: {@link io.strata.server.raft.KvStateMachine} applies committed entries in log
 * order, one store write each, recording (term, index) with the data; {@link
 * io.strata.server.raft.SnapshotStore} keeps RocksDB checkpoints as Raft snapshots under Ratis's
 * {@code sm/} directory (the live database lives outside it); {@link
 * io.strata.server.raft.RaftNode} runs the Ratis server, proposes commands, and joins or (with
 * {@code PeerMove}) moves this member in the group, with {@link
 * io.strata.server.raft.ProposalBatcher} grouping KV writes that arrive while others replicate into
 * one entry; {@link io.strata.server.raft.RatisProperties} translates our config into Ratis keys,
 * including the transport, {@link io.strata.server.raft.SnapshotFallbackRpcType} (Ratis's gRPC with
 * a catch-up fix); {@link io.strata.server.raft.StaleLogCleaner} drops a Raft log that a snapshot
 * has overtaken before Ratis opens it; {@code org.apache.ratis.server.impl.LearnerFixes} (in
 * Ratis's own package) patches how Ratis treats learners that joined while running. Ratis
 * exceptions are translated here and never leak upward.
 */
@NullMarked
package io.strata.server.raft;

import org.jspecify.annotations.NullMarked;
