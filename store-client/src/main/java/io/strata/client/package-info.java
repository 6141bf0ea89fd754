/**
 * The Strata client: a Java client for any etcd v3 API endpoint (Strata or etcd).
 *
 * <p>Entry point: {@link io.strata.client.Client#builder()}. Key types: {@link
 * io.strata.client.KV}, {@link io.strata.client.Watch}, {@link io.strata.client.Lease}, {@link
 * io.strata.client.Cluster}, {@link io.strata.client.Maintenance}, {@link io.strata.client.Lock},
 * {@link io.strata.client.Election} and the list+watch cache {@link io.strata.client.Informer}.
 * Responses are etcd's own messages from {@code io.strata.api} (as etcd's Go client aliases {@code
 * GetResponse} to {@code RangeResponse}); failures are {@link io.strata.client.EtcdException}s that
 * carry etcd's code and message.
 *
 * <p>Rules: this package holds interfaces, options and exceptions only; the gRPC implementations
 * live in {@code client.internal} and are reached through {@link
 * io.strata.client.ClientBuilder#build()}. Nothing here depends on the CLI.
 */
@NullMarked
package io.strata.client;

import org.jspecify.annotations.NullMarked;
