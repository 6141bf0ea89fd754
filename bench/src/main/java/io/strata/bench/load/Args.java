package io.strata.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Command-line flags in etcd's spelling: {@code --name value}, {@code --name=value}, and bare
 * boolean flags. Every flag must be known to the command, so a typo fails instead of being silently
 * ignored.
 */
final class Args {
  private final Map<String, String> values;
  private final List<String> positional;

  private Args(Map<String, String> values, List<String> positional) {
    this.values = values;
    this.positional = positional;
  }

  /**
   * @param valued flags that take a value (without the leading dashes)
   * @param booleans flags that take no value
   * @throws IllegalArgumentException on an unknown flag or a missing value
   */
  static Args parse(List<String> argv, Set<String> valued, Set<String> booleans) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < argv.size(); i++) {
      String a = argv.get(i);
      if (!a.startsWith("--")) {
        positional.add(a);
        continue;
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (booleans.contains(name)) {
        values.put(name, value == null ? "true" : value);
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= argv.size()) {
            throw new IllegalArgumentException("flag --" + name + " needs a value");
          }
          value = argv.get(++i);
        }
        values.put(name, value);
      } else {
        throw new IllegalArgumentException("unknown flag --" + name);
      }
    }
    return new Args(values, positional);
  }

  List<String> positional() {
    return positional;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  @Nullable String stringOrNull(String name) {
    return values.get(name);
  }

  boolean bool(String name) {
    String v = values.get(name);
    return v != null && !v.equals("false");
  }

  long longValue(String name, long fallback, long min, long max) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, got '" + v + "'", e);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          "--" + name + " must be in [" + min + ", " + max + "], got " + n);
    }
    return n;
  }

  double doubleValue(String name, double fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, got '" + v + "'", e);
    }
  }

  int intValue(String name, int fallback, int min, int max) {
    return (int) longValue(name, fallback, min, max);
  }

  /** A duration flag, or {@code fallback} when absent. */
  @Nullable Duration duration(String name, @Nullable Duration fallback) {
    String v = values.get(name);
    return v == null ? fallback : parseDuration(name, v);
  }

  /** Go-style durations as etcd's flags take them: {@code 500ms}, {@code 30s}, {@code 2m}. */
  static Duration parseDuration(String name, String v) {
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      } else if (v.endsWith("s")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      } else if (v.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + ": bad duration '" + v + "'", e);
    }
    throw new IllegalArgumentException(
        "--" + name + ": duration needs a unit (ms, s or m), got '" + v + "'");
  }
}
