/** Benchmarks of Strata: JMH micro-benchmarks of the engine and load generators for clusters. */
@NullMarked
package io.strata.bench;

import org.jspecify.annotations.NullMarked;
