/**
 * The member's HTTP endpoint on {@code --listen-metrics-urls}: Prometheus {@code /metrics} and
 * etcd's {@code /health}, {@code /livez} and {@code /readyz}.
 */
@NullMarked
package io.strata.server.http;

import org.jspecify.annotations.NullMarked;
