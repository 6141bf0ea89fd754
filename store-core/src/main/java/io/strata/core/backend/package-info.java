/**
 * The storage contract the MVCC engine is written against: named column families of ordered byte
 * keys, atomic {@link io.strata.core.backend.WriteBatch}es, consistent {@link
 * io.strata.core.backend.ReadView}s and {@link io.strata.core.backend.KeyIterator}s.
 *
 * <p>Key types: {@link io.strata.core.backend.Backend} (implemented by {@code
 * backend.rocksdb.RocksBackend} and {@code backend.memory.MemoryBackend}, both held to {@code
 * BackendContractTest}). Rules: keys are ordered unsigned-lexicographically; a batch is applied all
 * or nothing; a view never sees writes made after it was opened. Only {@code backend.rocksdb} may
 * import {@code org.rocksdb}.
 */
@NullMarked
package io.strata.core.backend;

import org.jspecify.annotations.NullMarked;
