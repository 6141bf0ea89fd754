package io.strata.server.faults.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.server.TestCluster;
import io.strata.server.TestCluster.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer proxies really carry (and cut) the Raft traffic: with the leader cut off, the other two
 * members elect a new leader and accept writes while the isolated one cannot commit; after the
 * heal, the old leader catches up.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PeerNetworkIT {
  @TempDir Path tmp;

  @Test
  void isolatedLeader_majorityElectsAnotherAndTheMinorityCatchesUpAfterHeal() throws Exception {
    try (PeerNetwork net = new PeerNetwork(3, tmp);
        TestCluster cluster =
            TestCluster.start("PeerNetworkIT/isolatedLeader", 3, TestCluster.FAST_ELECTION, net)) {
      Member leader = cluster.awaitLeader(Duration.ofSeconds(30));
      put(leader, "before", "1");
      // Ratis opens each peer connection on first use: wait until all six links have carried
      // traffic (asserting it right after the first put failed in a clean-clone CI run).
      TestCluster.await(
          "traffic on every peer link", Duration.ofSeconds(30), () -> net.unusedLinks().isEmpty());

      int index = cluster.members().indexOf(leader);
      net.partition(List.of(Set.of(index), Set.of((index + 1) % 3, (index + 2) % 3)));
      Member other = cluster.members().get((index + 1) % 3);
      TestCluster.await(
          "a new leader among the majority",
          Duration.ofSeconds(30),
          () -> {
            long l = other.status().getLeader();
            return l != 0 && l != leader.status().getHeader().getMemberId();
          });
      // Writes fail while the members sort out who leads (a follower's forward may still go to the
      // cut-off leader): retry, as clients do.
      TestCluster.await(
          "a write through the majority",
          Duration.ofSeconds(30),
          () -> {
            put(other, "during", "2");
            return true;
          });

      net.heal();
      TestCluster.await(
          "the old leader to see the write made without it",
          Duration.ofSeconds(60),
          () -> leader.kv().range(range("during")).getCount() == 1);
      assertThat(cluster.awaitSameRevision(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(3);
    }
  }

  private static void put(Member m, String key, String value) {
    m.kv()
        .put(
            PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(value))
                .build());
  }

  private static RangeRequest range(String key) {
    return RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build();
  }
}
