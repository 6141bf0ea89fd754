package io.strata.bench.load;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;

/**
 * The chart of one workload of a {@code compare} sweep, as an SVG file: median throughput (left)
 * and median p99 latency (right) against the client count, one line per system, with a bar from the
 * lowest to the highest repeat at each point. It is written by hand rather than with a charting
 * library: a few lines, circles and labels are all it takes, and the file shows in any browser and
 * inline in the Markdown report.
 *
 * <p>Clients go on a log2 axis, since sweeps grow by factors (1, 16, 256). Throughput goes on a
 * linear axis from 0, so that heights compare. p99 latency goes on a log10 axis: it spans from
 * about a millisecond at one client to hundreds at 256, and a linear axis would flatten the small
 * values onto the floor.
 */
final class CompareChart {
  /** One point: the client count and the figure's spread over the repeats. */
  record Point(int clients, Spread value) {}

  /** One system's points, in both panels. */
  record Series(String name, List<Point> throughput, List<Point> p99Millis) {
    Series {
      throughput = sorted(throughput);
      p99Millis = sorted(p99Millis);
    }

    private static List<Point> sorted(List<Point> ps) {
      return ps.stream().sorted(Comparator.comparingInt(Point::clients)).toList();
    }
  }

  static final int WIDTH = 900;
  static final int HEIGHT = 420;
  static final int PLOT_TOP = 90;
  static final int PLOT_HEIGHT = 270;
  static final int PLOT_WIDTH = 330;
  static final int LEFT_PLOT_X = 80;
  static final int RIGHT_PLOT_X = LEFT_PLOT_X + PLOT_WIDTH + 120;

  /** Strata blue, etcd red, then others for series split by connections. */
  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"
  };

  private CompareChart() {}

  /**
   * One chart per workload of the sweep, keyed by workload name ({@code put}, {@code range-l}, ...)
   * in the order the sweep ran them. A workload whose runs share a client count with different
   * connection counts gets one line per system and connection count.
   */
  static Map<String, String> forSweep(List<RunSummary> sums) {
    Map<String, List<RunSummary>> byWorkload = new LinkedHashMap<>();
    for (RunSummary s : sums) {
      byWorkload.computeIfAbsent(s.spec().workloadName(), k -> new ArrayList<>()).add(s);
    }
    Map<String, String> charts = new LinkedHashMap<>();
    byWorkload.forEach(
        (workload, group) -> {
          Map<Integer, Integer> connsByClients = new HashMap<>();
          boolean byConns = false;
          for (RunSummary s : group) {
            Integer seen = connsByClients.putIfAbsent(s.spec().clients(), s.spec().conns());
            byConns |= seen != null && seen != s.spec().conns();
          }
          Map<String, List<Point>> tput = new LinkedHashMap<>();
          Map<String, List<Point>> p99 = new LinkedHashMap<>();
          int repeats = 1;
          for (RunSummary s : group) {
            String name = s.system() + (byConns ? ", " + s.spec().conns() + " conns" : "");
            tput.computeIfAbsent(name, k -> new ArrayList<>())
                .add(new Point(s.spec().clients(), s.throughput()));
            p99.computeIfAbsent(name, k -> new ArrayList<>())
                .add(new Point(s.spec().clients(), s.p99Millis()));
            repeats = Math.max(repeats, s.repeats().size());
          }
          List<Series> series = new ArrayList<>();
          tput.forEach((name, ps) -> series.add(new Series(name, ps, p99.get(name))));
          String subtitle =
              repeats > 1
                  ? "median of " + repeats + " repeats; bars span the lowest to the highest"
                  : "one run per point";
          String xLabel =
              group.get(0).spec().workload().clientsAreWatchers() ? "watchers" : "clients";
          charts.put(
              workload,
              render(
                  workload + ": throughput and p99 latency against " + xLabel,
                  subtitle,
                  xLabel,
                  series));
        });
    return charts;
  }

  /** The SVG document of one chart. */
  static String render(String title, String subtitle, String xLabel, List<Series> series) {
    StringBuilder b = new StringBuilder();
    b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    text(b, WIDTH / 2.0, 24, "middle", "font-size=\"16\" font-weight=\"bold\"", title);
    text(b, WIDTH / 2.0, 42, "middle", "fill=\"#555\"", subtitle);
    for (int i = 0; i < series.size(); i++) {
      double x = LEFT_PLOT_X + i * 190;
      String color = color(i);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"62\" x2=\"%.1f\" y2=\"62\" stroke=\"%s\""
                  + " stroke-width=\"2\"/>%n",
              x,
              x + 24,
              color));
      b.append(
          String.format(
              Locale.ROOT, "<circle cx=\"%.1f\" cy=\"62\" r=\"4\" fill=\"%s\"/>%n", x + 12, color));
      text(b, x + 30, 66, "start", "class=\"legend\"", series.get(i).name());
    }
    TreeSet<Integer> clients = new TreeSet<>();
    for (Series s : series) {
      s.throughput().forEach(p -> clients.add(p.clients()));
      s.p99Millis().forEach(p -> clients.add(p.clients()));
    }
    panel(
        b,
        LEFT_PLOT_X,
        "Throughput",
        "throughput, req/s",
        xLabel,
        clients,
        series,
        false,
        " req/s",
        "%.0f");
    panel(
        b,
        RIGHT_PLOT_X,
        "p99 latency",
        "p99 latency, ms (log scale)",
        xLabel,
        clients,
        series,
        true,
        " ms",
        "%.2f");
    b.append("</svg>\n");
    return b.toString();
  }

  /** One panel: frame, grid, axes with labels, then each series as a line with its points. */
  private static void panel(
      StringBuilder b,
      int x0,
      String heading,
      String yLabel,
      String xLabel,
      TreeSet<Integer> clients,
      List<Series> series,
      boolean latency,
      String unit,
      String valueFormat) {
    int bottom = PLOT_TOP + PLOT_HEIGHT;
    List<Double> values = new ArrayList<>();
    for (Series s : series) {
      for (Point p : latency ? s.p99Millis() : s.throughput()) {
        values.add(p.value().median());
        values.add(p.value().min());
        values.add(p.value().max());
      }
    }
    YAxis y = latency ? YAxis.log(values, bottom) : YAxis.linear(values, bottom);
    b.append(String.format(Locale.ROOT, "<g class=\"panel\" data-panel=\"%s\">%n", heading));
    text(b, x0 + PLOT_WIDTH / 2.0, PLOT_TOP - 8, "middle", "font-weight=\"bold\"", heading);
    for (double t : y.ticks()) {
      double ty = y.map().applyAsDouble(t);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>%n",
              x0,
              ty,
              x0 + PLOT_WIDTH,
              ty));
      text(b, x0 - 6, ty + 4, "end", "class=\"tick\"", tickLabel(t));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
            x0,
            PLOT_TOP,
            PLOT_WIDTH,
            PLOT_HEIGHT));
    for (int c : clients) {
      double tx = x(x0, clients, c);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>%n",
              tx,
              bottom,
              tx,
              bottom + 5));
      text(b, tx, bottom + 18, "middle", "class=\"tick\"", Integer.toString(c));
    }
    text(
        b,
        x0 + PLOT_WIDTH / 2.0,
        bottom + 40,
        "middle",
        "class=\"axis-label\"",
        xLabel + (clients.size() > 1 ? " (log scale)" : ""));
    double ly = PLOT_TOP + PLOT_HEIGHT / 2.0;
    text(
        b,
        x0 - 58,
        ly,
        "middle",
        String.format(
            Locale.ROOT, "class=\"axis-label\" transform=\"rotate(-90 %d %.1f)\"", x0 - 58, ly),
        yLabel);
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      String color = color(i);
      List<Point> points =
          (latency ? s.p99Millis() : s.throughput())
              .stream().filter(p -> y.shows(p.value().median())).toList();
      if (points.size() > 1) {
        StringBuilder coords = new StringBuilder();
        for (Point p : points) {
          coords
              .append(coords.length() > 0 ? " " : "")
              .append(
                  String.format(
                      Locale.ROOT,
                      "%.1f,%.1f",
                      x(x0, clients, p.clients()),
                      y.map().applyAsDouble(p.value().median())));
        }
        b.append(
            String.format(
                Locale.ROOT,
                "<polyline class=\"series\" data-series=\"%s\" fill=\"none\" stroke=\"%s\""
                    + " stroke-width=\"2\" points=\"%s\"/>%n",
                escape(s.name()),
                color,
                coords));
      }
      for (Point p : points) {
        double px = x(x0, clients, p.clients());
        Spread v = p.value();
        if (v.n() > 1 && v.max() > v.min() && y.shows(v.min())) {
          double y1 = y.map().applyAsDouble(v.min());
          double y2 = y.map().applyAsDouble(v.max());
          b.append(
              String.format(
                  Locale.ROOT,
                  "<path class=\"spread\" d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\""
                      + " stroke=\"%s\" stroke-width=\"1.5\" fill=\"none\"/>%n",
                  px,
                  y1,
                  y2,
                  px - 4,
                  y1,
                  px + 4,
                  px - 4,
                  y2,
                  px + 4,
                  color));
        }
        b.append(
            String.format(
                Locale.ROOT,
                "<circle class=\"point\" data-series=\"%s\" data-clients=\"%d\""
                    + " data-value=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\">"
                    + "<title>%s</title></circle>%n",
                escape(s.name()),
                p.clients(),
                String.format(Locale.ROOT, valueFormat, v.median()),
                px,
                y.map().applyAsDouble(v.median()),
                color,
                escape(
                    s.name()
                        + ", "
                        + p.clients()
                        + " "
                        + xLabel
                        + ": "
                        + v.format(valueFormat)
                        + unit)));
      }
    }
    b.append("</g>\n");
  }

  /** The x position of {@code c} clients: log2-spaced, a margin inside each side of the plot. */
  static double x(int x0, TreeSet<Integer> clients, int c) {
    if (clients.size() < 2) {
      return x0 + PLOT_WIDTH / 2.0;
    }
    double lo = Math.log(clients.first());
    double hi = Math.log(clients.last());
    double pad = PLOT_WIDTH * 0.06;
    return x0 + pad + (Math.log(c) - lo) / (hi - lo) * (PLOT_WIDTH - 2 * pad);
  }

  /**
   * A y axis: value to position, its tick values, and which values it can show (a log axis shows no
   * value at or below 0).
   */
  private record YAxis(DoubleUnaryOperator map, List<Double> ticks, boolean logScale) {
    boolean shows(double v) {
      return !logScale || v > 0;
    }

    /** From 0 to a round number at or above the largest value, about five ticks. */
    static YAxis linear(List<Double> values, int bottom) {
      double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      if (!(max > 0)) {
        max = 1;
      }
      double step = niceStep(max / 5);
      double top = Math.ceil(max / step) * step;
      List<Double> ticks = new ArrayList<>();
      for (int i = 0; i * step <= top + step / 2; i++) {
        ticks.add(i * step);
      }
      double t = top;
      return new YAxis(v -> bottom - v / t * PLOT_HEIGHT, ticks, false);
    }

    /** Whole decades around the positive values; 2 and 5 as well when they span few decades. */
    static YAxis log(List<Double> values, int bottom) {
      double minPositive =
          values.stream().mapToDouble(Double::doubleValue).filter(v -> v > 0).min().orElse(0);
      if (minPositive == 0) {
        return linear(values, bottom); // nothing succeeded: no latency to put on a log axis
      }
      double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(minPositive);
      int lo = (int) Math.floor(Math.log10(minPositive));
      int hi = (int) Math.ceil(Math.log10(max));
      if (hi <= lo) {
        hi = lo + 1;
      }
      List<Double> ticks = new ArrayList<>();
      for (int e = lo; e <= hi; e++) {
        double decade = Math.pow(10, e);
        ticks.add(decade);
        if (hi - lo <= 2 && e < hi) {
          ticks.add(2 * decade);
          ticks.add(5 * decade);
        }
      }
      int l = lo;
      int h = hi;
      return new YAxis(
          v -> bottom - (Math.log10(v) - l) / (h - l) * PLOT_HEIGHT, List.copyOf(ticks), true);
    }
  }

  /** 1, 2 or 5 times a power of ten, the smallest at or above {@code raw}. */
  static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / magnitude;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nice * magnitude;
  }

  /** A tick value with at most three significant digits and no trailing zeros. */
  static String tickLabel(double v) {
    if (v == 0) {
      return "0";
    }
    return BigDecimal.valueOf(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  private static String color(int i) {
    return COLORS[i % COLORS.length];
  }

  private static void text(
      StringBuilder b, double x, double y, String anchor, String attributes, String content) {
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>%n",
            x,
            y,
            anchor,
            attributes,
            escape(content)));
  }

  /** Text as XML character data or attribute value. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
