/**
 * Watch fan-out with etcd's guarantees: events reach each watcher ordered by revision, each once,
 * without gaps, whole revisions at a time, from any start revision that is not compacted.
 *
 * <p>Key types: {@link io.strata.core.watch.WatchHub} (etcd's watchable store: synced watchers get
 * events as they are applied; unsynced ones catch up from the store's history), {@link
 * io.strata.core.watch.Watcher}, {@link io.strata.core.watch.WatchSink} (where a watcher's events
 * go, e.g. a gRPC stream). Rule: the apply thread never blocks on a watcher. A sink that has no
 * room makes its watchers unsynced; they catch up from history later, so a slow client costs
 * neither apply time nor unbounded memory.
 */
@NullMarked
package io.strata.core.watch;

import org.jspecify.annotations.NullMarked;
