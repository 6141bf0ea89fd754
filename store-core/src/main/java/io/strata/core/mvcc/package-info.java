/**
 * The MVCC engine: etcd's revision model on a {@link io.strata.core.backend.Backend}.
 *
 * <p>Key types: {@link io.strata.core.mvcc.KvStore} (the contract, with etcd's semantics on each
 * method), {@link io.strata.core.mvcc.MvccStore} (the implementation), {@link
 * io.strata.core.mvcc.ApplyBatch} (the single-writer path: requests applied in one atomic backend
 * write together with the caller's applied index). Package-private collaborators split the work:
 * {@code VersionScanner} finds the version of each key visible at a revision, {@code RangeExecutor}
 * applies etcd's limit/sort/filter rules, {@code TxnChecks} enforces etcd's request rules, {@code
 * Compactor} removes superseded versions in the background, {@code KvHasher} computes HashKV,
 * {@code LatestVersions} caches the newest version of recently used keys.
 *
 * <p>Rules: there is no in-memory key index, only a cache bounded in bytes, so memory does not grow
 * with the key count beyond it; readers use backend snapshots (or the cache) and never block the
 * writer; every expected failure is a typed {@link io.strata.core.StoreException} raised before
 * anything is written.
 */
@NullMarked
package io.strata.core.mvcc;

import org.jspecify.annotations.NullMarked;
