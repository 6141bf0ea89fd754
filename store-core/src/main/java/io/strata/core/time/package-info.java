/**
 * Time as the engine sees it: an injectable monotonic {@link io.strata.core.time.Clock}, so that
 * time-dependent logic (lease deadlines) runs on {@link io.strata.core.time.SystemClock} in
 * production and on a fake clock in tests.
 */
@NullMarked
package io.strata.core.time;

import org.jspecify.annotations.NullMarked;
