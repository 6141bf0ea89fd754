package io.strata.client;

import io.strata.client.internal.ClientSettings;
import io.strata.client.internal.GrpcClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link Client}. Defaults follow etcdctl: endpoint {@code 127.0.0.1:2379}, dial
 * timeout 2 s, request timeout 5 s.
 */
public final class ClientBuilder {
  private List<String> endpoints = List.of("127.0.0.1:2379");
  private Duration dialTimeout = Duration.ofSeconds(2);
  private Duration requestTimeout = Duration.ofSeconds(5);
  private Duration keepAliveTime = Duration.ofSeconds(10);
  private Duration keepAliveTimeout = Duration.ofSeconds(5);
  private int maxRetries = 10;
  private Duration initialBackoff = Duration.ofMillis(50);
  private Duration maxBackoff = Duration.ofSeconds(1);
  private boolean tls;
  private @Nullable String user;
  private @Nullable String password;

  ClientBuilder() {}

  /**
   * The members to talk to, as {@code host:port}, {@code http://host:port} or {@code
   * https://host:port} (TLS with the JVM's trust store).
   */
  public ClientBuilder endpoints(String... endpoints) {
    return endpoints(List.of(endpoints));
  }

  public ClientBuilder endpoints(List<String> endpoints) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one endpoint is required");
    }
    this.endpoints = List.copyOf(endpoints);
    return this;
  }

  /** How long a connection attempt to one endpoint may take. */
  public ClientBuilder dialTimeout(Duration timeout) {
    this.dialTimeout = positive(timeout, "dialTimeout");
    return this;
  }

  /** How long one call may take, retries included (etcdctl's --command-timeout). */
  public ClientBuilder requestTimeout(Duration timeout) {
    this.requestTimeout = positive(timeout, "requestTimeout");
    return this;
  }

  /** HTTP/2 pings that detect a dead or partitioned member on an idle stream. */
  public ClientBuilder keepAlive(Duration time, Duration timeout) {
    this.keepAliveTime = positive(time, "keepAliveTime");
    this.keepAliveTimeout = positive(timeout, "keepAliveTimeout");
    return this;
  }

  /**
   * Retries of idempotent calls on UNAVAILABLE, with exponential backoff from {@code initial} to
   * {@code max}, always within the request timeout.
   */
  public ClientBuilder retry(int maxRetries, Duration initial, Duration max) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative");
    }
    this.maxRetries = maxRetries;
    this.initialBackoff = positive(initial, "initialBackoff");
    this.maxBackoff = positive(max, "maxBackoff");
    return this;
  }

  /** Use TLS for every endpoint (also implied by an {@code https://} endpoint). */
  public ClientBuilder tls(boolean tls) {
    this.tls = tls;
    return this;
  }

  /**
   * The user and password for etcd authentication. Reserved for when Strata serves the Auth
   * service: the client then sends the token etcd's Authenticate returns with every call.
   */
  public ClientBuilder credentials(String user, String password) {
    this.user = Objects.requireNonNull(user, "user");
    this.password = Objects.requireNonNull(password, "password");
    return this;
  }

  public Client build() {
    return GrpcClient.create(
        new ClientSettings(
            endpoints,
            dialTimeout,
            requestTimeout,
            keepAliveTime,
            keepAliveTimeout,
            maxRetries,
            initialBackoff,
            maxBackoff,
            tls,
            user,
            password));
  }

  private static Duration positive(Duration d, String name) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }
}
