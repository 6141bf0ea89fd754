package io.strata.client.cli.output;

import io.strata.api.etcdserverpb.AlarmResponse;
import io.strata.api.etcdserverpb.DeleteRangeResponse;
import io.strata.api.etcdserverpb.HashKVResponse;
import io.strata.api.etcdserverpb.LeaseGrantResponse;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.api.etcdserverpb.LeaseLeasesResponse;
import io.strata.api.etcdserverpb.LeaseRevokeResponse;
import io.strata.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.strata.api.etcdserverpb.MemberListResponse;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.StatusResponse;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.api.etcdserverpb.WatchResponse;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Prints a command's response in one output format (etcdctl's printer split: commands decide what
 * to call, printers decide how it looks).
 */
public interface Printer {
  /** An endpoint and what it answered. */
  record EndpointStatus(String endpoint, StatusResponse status) {}

  /** An endpoint and its HashKV answer. */
  record EndpointHash(String endpoint, HashKVResponse hash) {}

  /** An endpoint's health check (etcdctl prints it to standard error in the simple format). */
  record EndpointHealth(String endpoint, boolean healthy, String took, String error) {}

  void put(PutResponse r);

  void get(RangeResponse r, boolean valueOnly, boolean keysOnly);

  void delete(DeleteRangeResponse r);

  void txn(TxnResponse r);

  void watch(WatchResponse r);

  void compact(long revision);

  void leaseGrant(LeaseGrantResponse r);

  void leaseRevoke(long id, LeaseRevokeResponse r);

  void timeToLive(LeaseTimeToLiveResponse r, boolean keys);

  void leases(LeaseLeasesResponse r);

  void keepAlive(LeaseKeepAliveResponse r);

  void memberList(MemberListResponse r);

  void endpointStatus(List<EndpointStatus> statuses);

  void endpointHashKv(List<EndpointHash> hashes);

  void endpointHealth(List<EndpointHealth> health);

  void alarms(AlarmResponse r);

  /** The printer for {@code -w}: simple, json, table or fields. */
  static Printer of(String format, PrintStream out, PrintStream err) {
    return switch (format) {
      case "simple" -> new SimplePrinter(out, err);
      case "json" -> new JsonPrinter(out, err);
      case "table" -> new TablePrinter(out, err);
      case "fields" -> new FieldsPrinter(out, err);
      default ->
          throw new IllegalArgumentException(
              "unsupported output format " + format + " (want simple, json, table or fields)");
    };
  }

  /** A UTF-8 print stream over {@code out}, the encoding etcdctl's output always has. */
  static PrintStream utf8(java.io.OutputStream out) {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }
}
