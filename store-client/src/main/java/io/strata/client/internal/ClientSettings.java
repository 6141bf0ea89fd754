package io.strata.client.internal;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What {@code ClientBuilder} collected; validated there. */
public record ClientSettings(
    List<String> endpoints,
    Duration dialTimeout,
    Duration requestTimeout,
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    int maxRetries,
    Duration initialBackoff,
    Duration maxBackoff,
    boolean tls,
    @Nullable String user,
    @Nullable String password) {

  /** The backoff before retry number {@code attempt} (1-based): doubling, capped, with jitter. */
  long backoffMillis(int attempt) {
    long base = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    long capped = Math.min(base, maxBackoff.toMillis());
    // Up to 20% jitter so that many clients failing over together do not retry in lockstep.
    return capped
        + (long) (capped * 0.2 * java.util.concurrent.ThreadLocalRandom.current().nextDouble());
  }
}
