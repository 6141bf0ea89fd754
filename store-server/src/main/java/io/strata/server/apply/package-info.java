/**
 * etcd semantics on top of the engine: commands as they travel through the Raft log ({@link
 * io.strata.server.apply.Command}), the mapping between etcd's protobuf messages and the engine's
 * types ({@link io.strata.server.apply.ProtoMapper}), and {@link
 * io.strata.server.apply.CommandApplier}, which applies one committed command (or a {@link
 * io.strata.server.apply.CommandBatch} of KV writes) to the store and encodes its reply. Everything
 * here is deterministic: the same command gives the same reply and the same store on every member.
 */
@NullMarked
package io.strata.server.apply;

import org.jspecify.annotations.NullMarked;
