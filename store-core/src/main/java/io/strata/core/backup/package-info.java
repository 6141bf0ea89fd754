/**
 * Backup files: {@link io.strata.core.backup.SnapshotArchive} packs a RocksDB checkpoint of a store
 * into one stream (what Maintenance.Snapshot sends and {@code snapshot save} writes) and unpacks it
 * into a store directory, verifying the SHA-256 trailer etcd's snapshot format also ends with, so
 * that a truncated or corrupted file is refused before anything is written.
 */
@NullMarked
package io.strata.core.backup;

import org.jspecify.annotations.NullMarked;
