/**
 * A Strata member: {@link io.strata.server.StoreServer} wires the store, Raft, the gRPC services
 * and the HTTP endpoint together and owns their start and stop; {@link
 * io.strata.server.StoreServerMain} is the {@code strata} command.
 */
@NullMarked
package io.strata.server;

import org.jspecify.annotations.NullMarked;
