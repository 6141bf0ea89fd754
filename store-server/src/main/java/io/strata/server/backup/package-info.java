/**
 * Offline snapshot tools, the counterpart of etcdutl: {@link
 * io.strata.server.backup.SnapshotRestore} builds a new member's data directory from a snapshot
 * file (revision bumped and marked compacted by default), {@link
 * io.strata.server.backup.SnapshotStatus} reads a file's revision, key count, size and hash, and
 * {@link io.strata.server.backup.SnapshotTool} is their command line ({@code stratactl snapshot
 * status|restore}). Rule: a corrupted or truncated file is refused before anything is written under
 * the target's name.
 */
@NullMarked
package io.strata.server.backup;

import org.jspecify.annotations.NullMarked;
