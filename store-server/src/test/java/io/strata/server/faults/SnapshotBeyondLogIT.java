package io.strata.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.MoveLeaderRequest;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.RangeRequest;
import io.strata.server.TestCluster;
import io.strata.server.TestCluster.Member;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression test for the follower that stopped applying after a failed append (docs/robustness.md,
 * seeds 206 and 208): a member whose newest snapshot lies beyond the end of its Raft log.
 *
 * <p>A member is left in that state when it is killed after a snapshot covers entries its log file
 * does not hold yet: right after Ratis installed a snapshot from the leader (Ratis replaces {@code
 * sm/} first and closes and purges the old log afterwards, on its log worker), or, before the fix,
 * right after it applied and snapshotted entries that Ratis's asynchronous fsync had reported
 * durable while they were still in the log's write buffer. Ratis 3.2.2 then opens the old log as
 * is, and the first entry after the snapshot fails "gap between start index ... and first entry to
 * append ..."; the member keeps serving clients but never applies anything again.
 *
 * <p>The test kills a follower, lets the others move on to a new term and snapshot past the
 * follower's log, and puts the leader's newest snapshot into the follower's {@code sm/} as an
 * interrupted install leaves it. Restarted, the follower must catch up.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SnapshotBeyondLogIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");

  @Test
  void followerWithSnapshotBeyondItsLog_catchesUpAfterRestart() throws Exception {
    List<String> flags = new ArrayList<>(TestCluster.FAST_ELECTION);
    flags.addAll(List.of("--snapshot-count", "50"));
    try (TestCluster c = TestCluster.start("SnapshotBeyondLogIT", 3, flags)) {
      put(c, "a", 60);
      Member follower = c.followers(WAIT).get(0);
      long followerEnd = follower.status().getRaftIndex();
      c.kill(follower);

      // A new term, so the entries after the snapshot belong to a later term than the follower's
      // last one, as in the runs that found the bug (the follower's open log segment is then
      // rolled before the append that fails).
      Member leader = c.awaitLeader(WAIT);
      Member other = c.running().stream().filter(m -> m != leader).findFirst().orElseThrow();
      TestCluster.await(
          "leadership to move to " + other,
          WAIT,
          () -> {
            moveLeader(c.awaitLeader(WAIT), other);
            return c.leader().orElse(null) == other;
          });
      put(c, "b", 150);
      Path otherSm = smDir(other);
      Path snapshot =
          TestCluster.awaitValue(
              "a snapshot on " + other + " beyond index " + followerEnd,
              WAIT,
              () -> newestSnapshot(otherSm).filter(s -> index(s) > followerEnd + 5));

      // What an install interrupted by a crash leaves: the leader's snapshot in sm/ (Ratis
      // replaces the directory as a whole), the follower's old log untouched.
      Path sm = smDir(follower);
      deleteRecursively(sm);
      copyRecursively(snapshot, sm.resolve(snapshot.getFileName()));

      c.restart(follower);
      put(c, "c", 20);
      long commit = c.awaitLeader(WAIT).status().getRaftIndex();
      TestCluster.await(
          follower + " to apply index " + commit + " (see " + follower.log() + ")",
          WAIT,
          () -> follower.status().getRaftAppliedIndex() >= commit);
      assertThat(
              follower
                  .kv()
                  .range(
                      RangeRequest.newBuilder()
                          .setKey(ByteString.copyFromUtf8("c/19"))
                          .setSerializable(true)
                          .build())
                  .getCount())
          .as("the last put, read locally on %s", follower)
          .isEqualTo(1);
      assertThat(follower.loggedSinceStart("gap between")).isFalse();
    }
  }

  /** Puts {@code prefix/0..n-1}, each retried on the current leader until acknowledged. */
  private static void put(TestCluster c, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      PutRequest put =
          PutRequest.newBuilder()
              .setKey(ByteString.copyFromUtf8(prefix + "/" + i))
              .setValue(ByteString.copyFromUtf8("v" + i))
              .build();
      TestCluster.await(
          "put " + prefix + "/" + i,
          WAIT,
          () -> {
            try {
              c.awaitLeader(WAIT).kv().put(put);
              return true;
            } catch (io.grpc.StatusRuntimeException e) {
              return false;
            }
          });
    }
  }

  private static void moveLeader(Member leader, Member target) {
    if (leader == target) {
      return;
    }
    long id = target.status().getHeader().getMemberId();
    MaintenanceGrpc.newBlockingStub(leader.channel())
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .moveLeader(MoveLeaderRequest.newBuilder().setTargetID(id).build());
  }

  /** The member's Ratis state-machine directory: {@code member/raft/<group>/sm}. */
  private static Path smDir(Member m) throws IOException {
    Path raft = Path.of(m.flag("--data-dir")).resolve("member").resolve("raft");
    try (Stream<Path> groups = Files.list(raft)) {
      return groups
          .filter(p -> !p.getFileName().toString().equals("removed"))
          .findFirst()
          .orElseThrow()
          .resolve("sm");
    }
  }

  private static Optional<Path> newestSnapshot(Path sm) {
    try (Stream<Path> s = Files.list(sm)) {
      return s.filter(p -> SNAPSHOT.matcher(p.getFileName().toString()).matches())
          .max(Comparator.comparingLong(SnapshotBeyondLogIT::index));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long index(Path snapshot) {
    Matcher m = SNAPSHOT.matcher(snapshot.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(2)) : -1;
  }

  private static void copyRecursively(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Files.copy(
            p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        if (!p.equals(path)) {
          Files.delete(p);
        }
      }
    }
  }
}
