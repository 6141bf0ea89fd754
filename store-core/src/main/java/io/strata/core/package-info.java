/**
 * Strata's storage engine: a deterministic, RocksDB-backed MVCC key-value store with etcd's
 * revision semantics. It knows nothing about the wire or about Raft.
 *
 * <p>This package holds the one sealed exception hierarchy the engine throws ({@link
 * io.strata.core.StoreException}); each carries etcd's exact client-visible message, so the server
 * can map it to a gRPC status without rewording it.
 */
@NullMarked
package io.strata.core;

import org.jspecify.annotations.NullMarked;
