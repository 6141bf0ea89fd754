/**
 * JMH micro-benchmarks of the engine (store-core): puts, point reads, ranges and transactions on a
 * RocksDB-backed {@link io.strata.core.mvcc.MvccStore} preloaded by {@link
 * io.strata.bench.jmh.PreloadedStore}. Run them from the uber-jar: {@code java -jar
 * bench/target/benchmarks.jar}.
 */
@NullMarked
package io.strata.bench.jmh;

import org.jspecify.annotations.NullMarked;
