/**
 * {@code stratactl}: etcdctl's verbs, flags, output formats and exit codes over the Strata client
 * ({@link io.strata.client.cli.StrataCtl} is the root, one class per verb or noun group). Library
 * packages never depend on this one.
 */
@NullMarked
package io.strata.client.cli;

import org.jspecify.annotations.NullMarked;
