/**
 * How stratactl prints responses: one {@link io.strata.client.cli.output.Printer} per etcdctl
 * output format (simple, json, table, fields), chosen with {@code -w}. The formats reproduce what
 * etcdctl 3.4 prints for the same response, byte for byte where the transcript test checks it.
 */
@NullMarked
package io.strata.client.cli.output;

import org.jspecify.annotations.NullMarked;
