/**
 * Failpoints: named places where a test can make a member crash (as kill -9 would, no shutdown
 * hooks) or stall, to prove that a crash at exactly that point loses nothing acknowledged. They are
 * armed only by the {@code strata.failpoints} system property, read once at class load; with it
 * unset every {@link io.strata.core.failpoint.FailPoints#inject} is a test of a static final false
 * that the JIT removes.
 */
@NullMarked
package io.strata.core.failpoint;

import org.jspecify.annotations.NullMarked;
