package io.strata.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.MoveLeaderRequest;
import io.strata.server.TestCluster;
import io.strata.server.compat.EtcdctlTranscript.Step;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcdctl transcripts (KV, the other API verbs, membership) against a fresh 3-member Strata
 * cluster, member m1, print what they print against a fresh 3-member etcd 3.4.23 with members
 * m1..m3 (ids, addresses, timings masked; member lists sorted).
 *
 * <p>Re-record with {@code -Drecord.etcd.endpoint=127.0.0.1:PORT} pointing at m1 of a fresh
 * 3-member etcd cluster whose members are named m1, m2 and m3, after {@code etcdctl move-leader}
 * made m1 its leader.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(
    MethodOrderer.OrderAnnotation.class) // one cluster: later transcripts see earlier writes
class EtcdctlThreeMemberTranscriptIT {
  private TestCluster cluster;
  @TempDir Path dir;

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start("EtcdctlThreeMemberTranscriptIT", 3, TestCluster.FAST_ELECTION);
    // m1 leads, as in the recording: `endpoint status` prints whether it leads, and a member
    // answers a write it forwarded before it has applied it itself.
    TestCluster.Member m1 = m1();
    TestCluster.await(
        "m1 to lead",
        Duration.ofSeconds(60),
        () -> {
          TestCluster.Member leader = cluster.awaitLeader(Duration.ofSeconds(60));
          if (leader == m1) {
            return true;
          }
          try {
            MaintenanceGrpc.newBlockingStub(leader.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .moveLeader(
                    MoveLeaderRequest.newBuilder()
                        .setTargetID(m1.status().getHeader().getMemberId())
                        .build());
          } catch (RuntimeException e) {
            // An election in between: look again.
          }
          return false;
        });
  }

  private TestCluster.Member m1() {
    return cluster.members().stream().filter(m -> m.name().equals("m1")).findFirst().orElseThrow();
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void kv() throws Exception {
    check("/transcripts/3-members/etcdctl-kv.txt", EtcdctlKvTranscriptTest.STEPS);
  }

  @Test
  @Order(2)
  void api() throws Exception {
    EtcdctlApiTranscriptTest api = new EtcdctlApiTranscriptTest();
    api.dir = dir;
    check("/transcripts/3-members/etcdctl-api.txt", api.steps());
  }

  @Test
  @Order(3)
  void member() throws Exception {
    check("/transcripts/3-members/etcdctl-member.txt", EtcdctlMemberTranscriptTest.steps());
  }

  private void check(String resource, List<Step> steps) throws Exception {
    String recordAgainst = System.getProperty("record.etcd.endpoint");
    if (recordAgainst != null) {
      String transcript = EtcdctlTranscript.run(recordAgainst, steps);
      Path file = Path.of("src/test/resources" + resource);
      Files.createDirectories(file.getParent());
      Files.writeString(file, transcript, StandardCharsets.UTF_8);
      return;
    }
    String actual = EtcdctlTranscript.run(m1().endpoint(), steps);
    String expected;
    try (var in = getClass().getResourceAsStream(resource)) {
      assertThat(in).as("recorded transcript " + resource).isNotNull();
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(expected);
  }
}
