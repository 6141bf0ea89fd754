/**
 * The Strata client: a Java client for any etcd v3 API endpoint (Strata or etcd), built on the
 * generated etcd-compatible stubs in {@code io.strata.api}. The public interfaces live here; the
 * gRPC implementations will live in {@code client.internal}.
 */
@NullMarked
package io.strata.client;

import org.jspecify.annotations.NullMarked;
