package io.strata.bench.load;

import java.util.Arrays;
import java.util.Locale;

/**
 * One figure over the repeats of a run: the median, which one disturbed repeat cannot move far, and
 * the range from lowest to highest, which shows how far the repeats disagreed.
 *
 * @param n how many repeats
 */
record Spread(double median, double min, double max, int n) {

  /** The spread of {@code values}; the median of an even count is the mean of the middle two. */
  static Spread of(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int mid = v.length / 2;
    double median = v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    return new Spread(median, v[0], v[v.length - 1], v.length);
  }

  /**
   * The median in {@code format} ({@code %.0f}, ...), followed by {@code (min–max)} when there was
   * more than one repeat.
   */
  String format(String format) {
    String m = String.format(Locale.ROOT, format, median);
    if (n == 1) {
      return m;
    }
    return m
        + " ("
        + String.format(Locale.ROOT, format, min)
        + "–"
        + String.format(Locale.ROOT, format, max)
        + ")";
  }
}
