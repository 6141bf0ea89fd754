package io.strata.server.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.api.etcdserverpb.LeaseCheckpoint;
import io.strata.api.etcdserverpb.LeaseCheckpointRequest;
import io.strata.api.etcdserverpb.LeaseGrantRequest;
import io.strata.api.etcdserverpb.LeaseKeepAliveRequest;
import io.strata.api.etcdserverpb.LeaseRevokeRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lease commands' log form: etcd's messages, plus the leader's index for its own commands. */
class LeaseCommandTest {

  @Test
  void leaseCommands_roundTrip() {
    List<Command> commands =
        List.of(
            new Command.LeaseGrant(LeaseGrantRequest.newBuilder().setID(7).setTTL(30).build()),
            new Command.LeaseRevoke(LeaseRevokeRequest.newBuilder().setID(-7).build()),
            new Command.LeaseKeepAlive(LeaseKeepAliveRequest.newBuilder().setID(9).build()),
            new Command.LeaseCheckpoint(
                123_456_789_012L,
                LeaseCheckpointRequest.newBuilder()
                    .addCheckpoints(LeaseCheckpoint.newBuilder().setID(7).setRemainingTTL(12))
                    .build()),
            new Command.LeaseExpire(0, LeaseRevokeRequest.newBuilder().setID(7).build()));

    for (Command c : commands) {
      assertThat(Command.decode(c.encode())).isEqualTo(c);
    }
  }

  @Test
  void leaderCommands_carryTheirIndexBeforeEtcdsMessage() {
    LeaseRevokeRequest revoke = LeaseRevokeRequest.newBuilder().setID(7).build();
    byte[] data = new Command.LeaseExpire(0x0102, revoke).encode();

    assertThat(data[0]).isEqualTo(Command.LEASE_EXPIRE);
    assertThat(data).hasSize(9 + revoke.getSerializedSize());
    assertThat(data[7]).isEqualTo((byte) 1);
    assertThat(data[8]).isEqualTo((byte) 2);
  }
}
