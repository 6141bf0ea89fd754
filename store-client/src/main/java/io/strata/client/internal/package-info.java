/**
 * The gRPC implementation of the client: endpoint selection and failover ({@code Endpoints}),
 * bounded retries of idempotent calls ({@code Retrier}), the error table ({@code Errors}), and one
 * {@code Grpc*} class per public interface. Not an API: only {@code ClientBuilder} reaches in,
 * through {@link io.strata.client.internal.GrpcClient#create}.
 */
@NullMarked
package io.strata.client.internal;

import org.jspecify.annotations.NullMarked;
