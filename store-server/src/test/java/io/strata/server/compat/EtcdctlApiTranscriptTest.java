package io.strata.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.StoreServer;
import io.strata.server.TestPorts;
import io.strata.server.compat.EtcdctlTranscript.Step;
import io.strata.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rest of etcdctl 3.4's API verbs against a fresh one-member Strata cluster print what they
 * print against a fresh etcd 3.4.23: watch (history and live), lease, member list, endpoint hashkv,
 * alarm, lock, elect, move-leader and snapshot save (ids, hashes, paths and timings masked). Both
 * members are named "default", etcd's default name.
 *
 * <p>Re-record with {@code -Drecord.etcd.endpoint=127.0.0.1:PORT} against a fresh etcd started with
 * {@code --name default}.
 */
@Timeout(180)
class EtcdctlApiTranscriptTest {
  static final String RESOURCE = "/transcripts/etcdctl-api.txt";

  @TempDir Path dir;

  List<Step> steps() {
    String snap = dir.resolve("backup.snap").toString();
    return List.of(
        Step.of("put", "foo", "bar"),
        Step.of("put", "foo", "baz"),
        Step.running(1500, "watch", "foo", "--rev=1", "--prev-kv"),
        Step.background("watch", "--prefix", "f", "-w", "json"),
        Step.of("put", "foo", "live"),
        Step.of("put", "fa", "also"),
        Step.of("del", "foo"),
        Step.collect(1500),
        Step.of("lease", "grant", "100"),
        Step.of("put", "leased", "v", "--lease=${lease}"),
        Step.of("lease", "timetolive", "${lease}", "--keys"),
        Step.of("lease", "list"),
        Step.of("lease", "keep-alive", "--once", "${lease}"),
        Step.of("lease", "revoke", "${lease}"),
        Step.of("get", "leased"),
        Step.of("lease", "timetolive", "1234"),
        Step.of("lease", "revoke", "1234"),
        Step.of("lease", "keep-alive", "--once", "1234"),
        Step.of("member", "list"),
        Step.of("endpoint", "hashkv"),
        Step.of("alarm", "list"),
        Step.running(5000, "lock", "mylock", "--", "echo", "locked"),
        Step.running(2000, "elect", "myelect", "p1"),
        Step.of("move-leader", "1234"),
        Step.of("compact", "3"),
        Step.running(1500, "watch", "foo", "--rev=2"),
        Step.of("snapshot", "save", snap));
  }

  @Test
  void etcdctl_printsWhatItPrintsAgainstEtcd() throws Exception {
    String recordAgainst = System.getProperty("record.etcd.endpoint");
    if (recordAgainst != null) {
      String transcript = EtcdctlTranscript.run(recordAgainst, steps());
      Files.writeString(
          Path.of("src/test/resources" + RESOURCE), transcript, StandardCharsets.UTF_8);
      Files.deleteIfExists(dir.resolve("backup.snap"));
    }
    int client = TestPorts.free();
    int peer = TestPorts.free();
    try (StoreServer server =
        StoreServer.start(
            ServerConfig.singleMember("default", dir.resolve("member"), client, peer), () -> {})) {
      server.awaitLeader();
      EtcdctlMemberTranscriptTest.awaitPublished(client);
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
