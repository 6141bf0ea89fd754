/**
 * The etcd v3 gRPC services of a member, thin by design: validate, delegate to the store or to
 * Raft, fill the response header. {@link io.strata.server.grpc.EtcdErrors} is the single table from
 * etcd's error messages to gRPC status codes. The only server package importing {@code io.grpc}.
 */
@NullMarked
package io.strata.server.grpc;

import org.jspecify.annotations.NullMarked;
