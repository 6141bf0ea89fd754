/**
 * etcd's auto compaction ({@code --auto-compaction-mode}, {@code --auto-compaction-retention}):
 * {@link io.strata.server.compaction.CompactionPolicy} decides, from time and revisions only, when
 * and up to where to compact; {@link io.strata.server.compaction.AutoCompactor} runs it on the
 * leader and proposes the compactions through Raft like a client would.
 */
@NullMarked
package io.strata.server.compaction;

import org.jspecify.annotations.NullMarked;
