/**
 * An in-memory implementation of the backend contract, for tests that need no disk. Views copy the
 * data, so it is meant for small data sets only.
 */
@NullMarked
package io.strata.core.backend.memory;

import org.jspecify.annotations.NullMarked;
