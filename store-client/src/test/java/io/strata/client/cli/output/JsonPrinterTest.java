package io.strata.client.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.api.etcdserverpb.LeaseGrantResponse;
import io.strata.api.etcdserverpb.LeaseLeasesResponse;
import io.strata.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.strata.api.etcdserverpb.ResponseHeader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Lease responses print as etcdctl prints the Go client's structs (checked against etcdctl). */
class JsonPrinterTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final JsonPrinter printer =
      new JsonPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), System.err);
  private static final ResponseHeader HEADER =
      ResponseHeader.newBuilder()
          .setClusterId(1)
          .setMemberId(2)
          .setRevision(5)
          .setRaftTerm(3)
          .build();

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void leaseGrant_headerFlattened() {
    printer.leaseGrant(
        LeaseGrantResponse.newBuilder().setHeader(HEADER).setID(9).setTTL(100).build());
    assertThat(printed())
        .isEqualTo(
            "{\"cluster_id\":1,\"member_id\":2,\"revision\":5,\"raft_term\":3,\"ID\":9,\"TTL\":100,\"Error\":\"\"}\n");
  }

  @Test
  void timeToLive_unknownLease_keysNull() {
    printer.timeToLive(
        LeaseTimeToLiveResponse.newBuilder().setHeader(HEADER).setID(4660).setTTL(-1).build(),
        false);
    assertThat(printed())
        .isEqualTo(
            "{\"cluster_id\":1,\"member_id\":2,\"revision\":5,\"raft_term\":3,\"id\":4660,\"ttl\":-1,\"granted-ttl\":0,\"keys\":null}\n");
  }

  @Test
  void leases_emptyList() {
    printer.leases(LeaseLeasesResponse.newBuilder().setHeader(HEADER).build());
    assertThat(printed())
        .isEqualTo(
            "{\"cluster_id\":1,\"member_id\":2,\"revision\":5,\"raft_term\":3,\"leases\":[]}\n");
  }
}
