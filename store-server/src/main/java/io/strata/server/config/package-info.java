/**
 * Member configuration: {@link io.strata.server.config.ServerConfig} and its parsing from etcd's
 * flags ({@code --name}, {@code --data-dir}, ...), a YAML {@code --config-file} with the same keys,
 * and validation that fails at startup with the flag's name in the message.
 */
@NullMarked
package io.strata.server.config;

import org.jspecify.annotations.NullMarked;
