/**
 * The RocksDB implementation of the backend contract; the only package that imports {@code
 * org.rocksdb}. {@code RocksDBException} is wrapped into {@link io.strata.core.BackendException}
 * here, once.
 */
@NullMarked
package io.strata.core.backend.rocksdb;

import org.jspecify.annotations.NullMarked;
