package io.strata.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.strata.api.etcdserverpb.ClusterGrpc;
import io.strata.api.etcdserverpb.MemberListRequest;
import io.strata.server.StoreServer;
import io.strata.server.TestCluster;
import io.strata.server.TestPorts;
import io.strata.server.compat.EtcdctlTranscript.Step;
import io.strata.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcdctl 3.4's membership verbs against a fresh one-member Strata cluster print what they print
 * against a fresh etcd 3.4.23 (ids and addresses masked): add a learner, list it unstarted, refuse
 * a second learner and a taken peer URL, refuse to promote the unstarted learner and a voter,
 * change the member's own peer URL, refuse that URL to the learner and an update of an unknown id,
 * remove the learner, and refuse an unknown id. Joining, promoting and removing started members
 * across processes is {@code MembershipIT}.
 *
 * <p>Re-record with {@code -Drecord.etcd.endpoint=127.0.0.1:PORT} against a fresh etcd started with
 * {@code --name default}.
 */
@Timeout(120)
class EtcdctlMemberTranscriptTest {
  static final String RESOURCE = "/transcripts/etcdctl-member.txt";

  @TempDir Path dir;

  static List<Step> steps() {
    return List.of(
        Step.of("member", "list"),
        Step.of("member", "add", "m2", "--peer-urls=http://127.0.0.1:2", "--learner"),
        Step.of("member", "list"),
        Step.of("member", "add", "m3", "--peer-urls=http://127.0.0.1:3", "--learner"),
        Step.of("member", "add", "m3", "--peer-urls=http://127.0.0.1:2"),
        Step.of("member", "promote", "${member}"),
        Step.of("member", "promote", "${self}"),
        // Not the learner: etcd 3.4.23 lists a learner whose peer URLs changed as a voter.
        Step.of("member", "update", "${self}", "--peer-urls=http://127.0.0.1:4"),
        Step.of("member", "list"),
        Step.of("member", "update", "${member}", "--peer-urls=http://127.0.0.1:4"),
        Step.of("member", "update", "1234", "--peer-urls=http://127.0.0.1:5"),
        Step.of("member", "remove", "${member}"),
        Step.of("member", "list", "-w", "json"),
        Step.of("member", "remove", "1234"),
        Step.of("member", "promote", "1234"));
  }

  /**
   * A member publishes its client URLs through Raft just after it starts; `member list` shows them
   * from then on (etcd's members publish theirs likewise before serving).
   */
  static void awaitPublished(int clientPort) throws InterruptedException {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", clientPort).usePlaintext().build();
    try {
      TestCluster.await(
          "the member's client URLs in member list",
          Duration.ofSeconds(30),
          () ->
              ClusterGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(5, TimeUnit.SECONDS)
                  .memberList(MemberListRequest.getDefaultInstance())
                  .getMembersList()
                  .stream()
                  .allMatch(m -> m.getClientURLsCount() > 0));
    } finally {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void etcdctl_printsWhatItPrintsAgainstEtcd() throws Exception {
    String recordAgainst = System.getProperty("record.etcd.endpoint");
    if (recordAgainst != null) {
      String transcript = EtcdctlTranscript.run(recordAgainst, steps());
      Files.writeString(
          Path.of("src/test/resources" + RESOURCE), transcript, StandardCharsets.UTF_8);
    }
    int client = TestPorts.free();
    int peer = TestPorts.free();
    try (StoreServer server =
        StoreServer.start(
            ServerConfig.singleMember("default", dir.resolve("member"), client, peer), () -> {})) {
      server.awaitLeader();
      awaitPublished(client);
      String actual = EtcdctlTranscript.run("127.0.0.1:" + client, steps());
      String expected;
      try (var in = getClass().getResourceAsStream(RESOURCE)) {
        assertThat(in).as("recorded transcript " + RESOURCE).isNotNull();
        expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(actual).isEqualTo(expected);
    }
  }
}
