package io.strata.client.cli.output;

import io.strata.api.etcdserverpb.StatusResponse;
import java.util.List;

/** The cells etcdctl prints for an endpoint's status, shared by the simple and table formats. */
final class Rows {
  static final List<String> STATUS_HEADER =
      List.of(
          "endpoint",
          "ID",
          "version",
          "db size",
          "is leader",
          "is learner",
          "raft term",
          "raft index",
          "raft applied index",
          "errors");

  private Rows() {}

  static List<String> status(Printer.EndpointStatus e) {
    StatusResponse s = e.status();
    return List.of(
        e.endpoint(),
        Long.toHexString(s.getHeader().getMemberId()),
        s.getVersion(),
        bytes(s.getDbSize()),
        Boolean.toString(s.getLeader() == s.getHeader().getMemberId()),
        Boolean.toString(s.getIsLearner()),
        Long.toUnsignedString(s.getRaftTerm()),
        Long.toUnsignedString(s.getRaftIndex()),
        Long.toUnsignedString(s.getRaftAppliedIndex()),
        String.join(", ", s.getErrorsList()));
  }

  /** Sizes as etcdctl prints them (go-humanize, SI units): "20 kB", "1.2 MB". */
  static String bytes(long n) {
    if (n < 10) {
      return n + " B";
    }
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    double e = Math.floor(Math.log((double) n) / Math.log(1000));
    String suffix = units[(int) e];
    double v = Math.floor((double) n / Math.pow(1000, e) * 10 + 0.5) / 10;
    String f = v < 10 ? String.format("%.1f", v) : String.format("%.0f", v);
    return f + " " + suffix;
  }
}
