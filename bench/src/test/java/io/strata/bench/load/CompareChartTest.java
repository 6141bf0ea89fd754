package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class CompareChartTest {
  private static final String SVG_NS = "http://www.w3.org/2000/svg";

  private static CompareChart.Series series(String name, double... tputThenP99) {
    int[] clients = {1, 16, 256};
    List<CompareChart.Point> tput = new ArrayList<>();
    List<CompareChart.Point> p99 = new ArrayList<>();
    for (int i = 0; i < clients.length; i++) {
      tput.add(new CompareChart.Point(clients[i], Spread.of(tputThenP99[i])));
      p99.add(new CompareChart.Point(clients[i], Spread.of(tputThenP99[i + 3])));
    }
    return new CompareChart.Series(name, tput, p99);
  }

  /** Parses as XML with DTDs refused, which also proves the document well-formed. */
  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> elements(Document d, String tag) {
    NodeList nodes = d.getElementsByTagNameNS(SVG_NS, tag);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add((Element) nodes.item(i));
    }
    return out;
  }

  private static List<String> texts(Document d) {
    return elements(d, "text").stream().map(Element::getTextContent).toList();
  }

  private static double attr(Element e, String name) {
    return Double.parseDouble(e.getAttribute(name));
  }

  @Test
  void render_wellFormedSvg_withEveryPointAndAxisLabels() throws Exception {
    String svg =
        CompareChart.render(
            "put: throughput and p99 latency against clients",
            "one run per point",
            "clients",
            List.of(
                series("Strata", 266, 475, 2475, 17.4, 119.2, 487.7),
                series("etcd", 887, 3197, 7287, 2.85, 18.67, 186.5)));

    Document d = parse(svg);
    assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(d.getDocumentElement().getNamespaceURI()).isEqualTo(SVG_NS);
    List<Element> points =
        elements(d, "circle").stream()
            .filter(e -> e.getAttribute("class").equals("point"))
            .toList();
    assertThat(points).hasSize(12); // 2 systems x 3 client counts x 2 panels
    assertThat(points)
        .extracting(e -> e.getAttribute("data-series") + "@" + e.getAttribute("data-clients"))
        .contains("Strata@1", "Strata@16", "Strata@256", "etcd@1", "etcd@16", "etcd@256");
    assertThat(points).extracting(e -> e.getAttribute("data-value")).contains("2475", "186.50");
    assertThat(elements(d, "polyline")).hasSize(4); // one line per system and panel
    assertThat(texts(d))
        .contains(
            "put: throughput and p99 latency against clients",
            "throughput, req/s",
            "p99 latency, ms (log scale)",
            "clients (log scale)",
            "Strata",
            "etcd",
            "1",
            "16",
            "256");
    assertThat(elements(d, "path")).isEmpty(); // one run per point: no spread bars
  }

  @Test
  void render_pointsInsideTheirPanel_higherValueHigherUp() throws Exception {
    Document d =
        parse(
            CompareChart.render(
                "t", "s", "clients", List.of(series("Strata", 100, 200, 400, 1, 10, 100))));

    List<Element> points = elements(d, "circle");
    for (Element p : points) {
      if (!p.getAttribute("class").equals("point")) {
        continue;
      }
      assertThat(attr(p, "cy"))
          .isBetween(
              (double) CompareChart.PLOT_TOP,
              (double) CompareChart.PLOT_TOP + CompareChart.PLOT_HEIGHT);
      boolean left = attr(p, "cx") < CompareChart.RIGHT_PLOT_X;
      double x0 = left ? CompareChart.LEFT_PLOT_X : CompareChart.RIGHT_PLOT_X;
      assertThat(attr(p, "cx")).isBetween(x0, x0 + CompareChart.PLOT_WIDTH);
    }
    List<Element> throughput =
        points.stream()
            .filter(p -> p.getAttribute("class").equals("point"))
            .filter(p -> attr(p, "cx") < CompareChart.RIGHT_PLOT_X)
            .toList();
    assertThat(throughput)
        .extracting(p -> attr(p, "cy"))
        .isSortedAccordingTo((a, b) -> b - a > 0 ? 1 : b - a < 0 ? -1 : 0);
    assertThat(throughput).extracting(p -> attr(p, "cx")).isSorted();
    // 1 ms, 10 ms and 100 ms sit a decade apart: equal steps on the log axis.
    List<Double> latencyY =
        points.stream()
            .filter(p -> p.getAttribute("class").equals("point"))
            .filter(p -> attr(p, "cx") >= CompareChart.RIGHT_PLOT_X)
            .map(p -> attr(p, "cy"))
            .toList();
    assertThat(latencyY.get(0) - latencyY.get(1))
        .isCloseTo(latencyY.get(1) - latencyY.get(2), org.assertj.core.data.Offset.offset(0.2));
  }

  @Test
  void render_repeats_spreadBarsAndEscapedNames() throws Exception {
    CompareChart.Series s =
        new CompareChart.Series(
            "A<B & \"C\"",
            List.of(
                new CompareChart.Point(1, Spread.of(90, 100, 130)),
                new CompareChart.Point(4, Spread.of(300, 310, 320))),
            List.of(
                new CompareChart.Point(1, Spread.of(1, 2, 3)),
                new CompareChart.Point(4, Spread.of(5, 5, 5))));

    Document d = parse(CompareChart.render("t & u", "median of 3 repeats", "clients", List.of(s)));

    // Bars where the repeats disagreed (three of the four points), none where they agreed.
    assertThat(elements(d, "path")).hasSize(3);
    assertThat(texts(d)).contains("A<B & \"C\"", "t & u");
    assertThat(elements(d, "title"))
        .extracting(Element::getTextContent)
        .contains("A<B & \"C\", 1 clients: 100 (90–130) req/s");
  }

  @Test
  void forSweep_oneChartPerWorkload_watchersForWatchLatency() throws Exception {
    LoadResult r = LoadResultTest.sample();
    List<Measurement> ms = new ArrayList<>();
    for (String spec : List.of("put:1:1", "put:16:16", "range-s:16:16", "watch-latency:100:10")) {
      for (String system : List.of("Strata", "etcd")) {
        ms.add(new Measurement(system, RunSpec.parse(spec), 1, "leader", r, List.of(), 1, 1));
      }
    }

    Map<String, String> charts = CompareChart.forSweep(RunSummary.of(ms));

    assertThat(charts).containsOnlyKeys("put", "range-s", "watch-latency");
    assertThat(List.copyOf(charts.keySet())).containsExactly("put", "range-s", "watch-latency");
    assertThat(texts(parse(charts.get("put")))).contains("clients (log scale)");
    assertThat(texts(parse(charts.get("watch-latency")))).contains("watchers");
    assertThat(
            elements(parse(charts.get("put")), "circle").stream()
                .filter(e -> e.getAttribute("class").equals("point")))
        .hasSize(8);
  }

  @Test
  void forSweep_sameClientsOtherConns_oneLinePerConns() throws Exception {
    LoadResult r = LoadResultTest.sample();
    List<Measurement> ms = new ArrayList<>();
    for (String spec : List.of("put:16:4", "put:16:16", "put:64:4", "put:64:16")) {
      ms.add(new Measurement("Strata", RunSpec.parse(spec), 1, "leader", r, List.of(), 1, 1));
    }

    Document d = parse(CompareChart.forSweep(RunSummary.of(ms)).get("put"));

    assertThat(texts(d)).contains("Strata, 4 conns", "Strata, 16 conns");
  }

  @Test
  void tickLabelAndNiceStep() {
    assertThat(CompareChart.tickLabel(0)).isEqualTo("0");
    assertThat(CompareChart.tickLabel(2000)).isEqualTo("2000");
    assertThat(CompareChart.tickLabel(0.1 * 3)).isEqualTo("0.3");
    assertThat(CompareChart.niceStep(1480)).isEqualTo(2000);
    assertThat(CompareChart.niceStep(0.3)).isEqualTo(0.5);
    assertThat(CompareChart.niceStep(100)).isEqualTo(100);
  }
}
