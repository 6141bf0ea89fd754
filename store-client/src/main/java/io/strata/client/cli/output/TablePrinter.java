package io.strata.client.cli.output;

import io.strata.api.etcdserverpb.Member;
import io.strata.api.etcdserverpb.MemberListResponse;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code -w table}: etcdctl's tables for member list and the endpoint commands (ASCII boxes, cells
 * right-aligned, headers upper-case and centered); every other response prints as simple, as
 * etcdctl does.
 */
public final class TablePrinter extends SimplePrinter {
  public TablePrinter(PrintStream out, PrintStream err) {
    super(out, err);
  }

  @Override
  public void memberList(MemberListResponse r) {
    List<List<String>> rows = new ArrayList<>();
    for (Member m : r.getMembersList()) {
      rows.add(
          List.of(
              Long.toHexString(m.getID()),
              m.getName().isEmpty() ? "unstarted" : "started",
              m.getName(),
              String.join(",", m.getPeerURLsList()),
              String.join(",", m.getClientURLsList()),
              Boolean.toString(m.getIsLearner())));
    }
    table(List.of("ID", "status", "name", "peer addrs", "client addrs", "is learner"), rows);
  }

  @Override
  public void endpointStatus(List<EndpointStatus> statuses) {
    table(Rows.STATUS_HEADER, statuses.stream().map(Rows::status).toList());
  }

  @Override
  public void endpointHashKv(List<EndpointHash> hashes) {
    table(
        List.of("endpoint", "hash"),
        hashes.stream()
            .map(
                h ->
                    List.of(
                        h.endpoint(), Long.toString(Integer.toUnsignedLong(h.hash().getHash()))))
            .toList());
  }

  @Override
  public void endpointHealth(List<EndpointHealth> health) {
    table(
        List.of("endpoint", "health", "took", "error"),
        health.stream()
            .map(h -> List.of(h.endpoint(), Boolean.toString(h.healthy()), h.took(), h.error()))
            .toList());
  }

  void table(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
      for (List<String> row : rows) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder rule = new StringBuilder("+");
    for (int w : width) {
      rule.append("-".repeat(w + 2)).append('+');
    }
    out.println(rule);
    StringBuilder head = new StringBuilder("|");
    for (int i = 0; i < width.length; i++) {
      String h = header.get(i).toUpperCase(Locale.ROOT);
      int gap = width[i] - h.length();
      int left = gap / 2;
      head.append(' ')
          .append(" ".repeat(left))
          .append(h)
          .append(" ".repeat(gap - left))
          .append(" |");
    }
    out.println(head);
    out.println(rule);
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder("|");
      for (int i = 0; i < width.length; i++) {
        String cell = row.get(i);
        line.append(' ').append(" ".repeat(width[i] - cell.length())).append(cell).append(" |");
      }
      out.println(line);
    }
    out.println(rule);
  }
}
