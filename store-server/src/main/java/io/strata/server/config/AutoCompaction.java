package io.strata.server.config;

import java.time.Duration;

/**
 * etcd's auto compaction settings. Periodic mode keeps a window of history of the given duration (a
 * bare number means hours); revision mode keeps the given number of revisions.
 */
public record AutoCompaction(String mode, Duration retention, long revisions) {

  public boolean enabled() {
    return mode.equals("periodic") ? !retention.isZero() : revisions > 0;
  }

  /** Parses {@code --auto-compaction-retention} for {@code mode}; fails with the flag name. */
  public static AutoCompaction parse(String mode, String retention) {
    String raw = retention.trim();
    if (mode.equals("revision")) {
      try {
        long revisions = Long.parseLong(raw);
        if (revisions < 0) {
          throw new NumberFormatException();
        }
        return new AutoCompaction(mode, Duration.ZERO, revisions);
      } catch (NumberFormatException e) {
        throw new ConfigException(
            "--auto-compaction-retention must be a revision count in revision mode, got '"
                + raw
                + "'");
      }
    }
    try {
      double hours = Double.parseDouble(raw);
      if (hours < 0) {
        throw new NumberFormatException();
      }
      return new AutoCompaction(mode, Duration.ofMillis((long) (hours * 3_600_000)), 0);
    } catch (NumberFormatException notHours) {
      return new AutoCompaction(mode, parseDuration(raw), 0);
    }
  }

  /** Go duration syntax for the common units: 1h, 30m, 10s, 500ms, 1h30m. */
  static Duration parseDuration(String raw) {
    // Go duration syntax for the common units: 1h, 30m, 10s, 500ms, 1h30m.
    long millis = 0;
    int i = 0;
    if (raw.isEmpty()) {
      throw bad(raw);
    }
    while (i < raw.length()) {
      int start = i;
      while (i < raw.length() && (Character.isDigit(raw.charAt(i)) || raw.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw bad(raw);
      }
      double number = Double.parseDouble(raw.substring(start, i));
      int unitStart = i;
      while (i < raw.length() && Character.isLetter(raw.charAt(i))) {
        i++;
      }
      String unit = raw.substring(unitStart, i);
      millis +=
          switch (unit) {
            case "h" -> (long) (number * 3_600_000);
            case "m" -> (long) (number * 60_000);
            case "s" -> (long) (number * 1000);
            case "ms" -> (long) number;
            default -> throw bad(raw);
          };
    }
    return Duration.ofMillis(millis);
  }

  private static ConfigException bad(String raw) {
    return new ConfigException(
        "--auto-compaction-retention must be hours (e.g. 1) or a duration (e.g. 30m), got '"
            + raw
            + "'");
  }
}
