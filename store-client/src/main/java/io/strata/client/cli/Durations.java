package io.strata.client.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go duration strings as etcdctl's flags take them: "5s", "500ms", "1m30s", "2h". */
final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private Durations() {}

  static Duration parse(String text) {
    String s = text.trim();
    Matcher m = PART.matcher(s);
    double nanos = 0;
    int at = 0;
    while (m.find() && m.start() == at) {
      double v = Double.parseDouble(m.group(1));
      nanos +=
          v
              * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
              };
      at = m.end();
    }
    if (at != s.length() || s.isEmpty()) {
      throw new CtlException(CtlException.EXIT_BAD_ARGS, "invalid duration \"" + text + "\"");
    }
    return Duration.ofNanos((long) nanos);
  }

  /** A duration the way Go prints one ("1.234567ms", "2.5s"). */
  static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos < 1_000) {
      return nanos + "ns";
    }
    if (nanos < 1_000_000) {
      return trim(nanos / 1e3) + "µs";
    }
    if (nanos < 1_000_000_000) {
      return trim(nanos / 1e6) + "ms";
    }
    return trim(nanos / 1e9) + "s";
  }

  private static String trim(double v) {
    String s = String.format("%.6f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
