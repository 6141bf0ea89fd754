package io.strata.server.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.client.Client;
import io.strata.client.CompactedException;
import io.strata.client.DeleteOptions;
import io.strata.client.GetOptions;
import io.strata.client.Op;
import io.strata.client.PutOptions;
import io.strata.client.cli.StrataCtl;
import io.strata.server.TestCluster;
import io.strata.server.TestCluster.Member;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's backup round trip: 100,000 keys with history and deletes, {@code stratactl snapshot
 * save} while writes continue, restore into a new 3-member cluster; the restored key space hashes
 * like the source's at the snapshot revision, the revision is higher than the source's, an old
 * revision gets the compacted error, and a truncated or altered file is refused by status and
 * restore with nothing written.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class BackupRestoreIT {
  private static final Duration LONG = Duration.ofSeconds(120);
  private static final int KEYS = 100_000;
  private static final int PER_TXN = 100;
  private static final Pattern STATUS_JSON =
      Pattern.compile(
          "\\{\"hash\":(\\d+),\"revision\":(\\d+),\"totalKey\":(\\d+),\"totalSize\":(\\d+)}");

  @TempDir Path dir;

  private static ByteString key(int i) {
    return ByteString.copyFromUtf8(String.format("backup/key-%06d", i));
  }

  /** Runs {@code count} txns of up to PER_TXN ops each, at most 8 in flight. */
  private static void txns(Client client, int count, IntFunction<List<RequestOp>> batch)
      throws Exception {
    Semaphore inFlight = new Semaphore(8);
    List<CompletableFuture<TxnResponse>> all = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      inFlight.acquire();
      CompletableFuture<TxnResponse> f =
          client.kv().txn().then(batch.apply(t).toArray(RequestOp[]::new)).commit();
      f.whenComplete((r, e) -> inFlight.release());
      all.add(f);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
  }

  private record Run(int exit, String out, String err) {}

  private static Run stratactl(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        StrataCtl.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new ByteArrayInputStream(new byte[0]));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Run snapshotTool(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        SnapshotTool.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Client client(List<Member> members) {
    return Client.builder()
        .endpoints(members.stream().map(Member::endpoint).toList())
        .requestTimeout(Duration.ofSeconds(60))
        .build();
  }

  private static Run restore(Path file, Member m) {
    return snapshotTool(
        "snapshot",
        "restore",
        file.toString(),
        "--data-dir",
        m.flag("--data-dir"),
        "--name",
        m.name(),
        "--initial-cluster",
        m.flag("--initial-cluster"),
        "--initial-advertise-peer-urls",
        m.flag("--initial-advertise-peer-urls"),
        "--initial-cluster-token",
        m.flag("--initial-cluster-token"));
  }

  @Test
  void saveUnderLoad_restoreIntoNewCluster_sameKeySpace_higherRevision_oldRevisionCompacted()
      throws Exception {
    Path file = dir.resolve("backup.snap");
    long snapshotRevision;
    long totalKeys;
    int sourceHash;
    long sourceRevision;
    try (TestCluster source =
            TestCluster.start("BackupRestoreIT/source", 3, TestCluster.FAST_ELECTION);
        Client client = client(source.members())) {
      ByteString value = ByteString.copyFromUtf8("v".repeat(64));
      txns(
          client,
          KEYS / PER_TXN,
          t -> {
            List<RequestOp> ops = new ArrayList<>();
            for (int i = t * PER_TXN; i < (t + 1) * PER_TXN; i++) {
              ops.add(Op.put(key(i), value, PutOptions.DEFAULT));
            }
            return ops;
          });
      // History: a second version of every fifth key; deletes: every twentieth key.
      txns(
          client,
          KEYS / 5 / PER_TXN,
          t -> {
            List<RequestOp> ops = new ArrayList<>();
            for (int i = t * PER_TXN; i < (t + 1) * PER_TXN; i++) {
              ops.add(
                  Op.put(key(i * 5), ByteString.copyFromUtf8("second-" + i), PutOptions.DEFAULT));
            }
            return ops;
          });
      txns(
          client,
          KEYS / 20 / PER_TXN,
          t -> {
            List<RequestOp> ops = new ArrayList<>();
            for (int i = t * PER_TXN; i < (t + 1) * PER_TXN; i++) {
              ops.add(Op.delete(key(i * 20 + 1), DeleteOptions.DEFAULT));
            }
            return ops;
          });

      // Save from a member while writes keep going.
      Member saved = source.members().get(0);
      AtomicBoolean loading = new AtomicBoolean(true);
      AtomicLong loaded = new AtomicLong();
      Thread load =
          new Thread(
              () -> {
                while (loading.get()) {
                  try {
                    client
                        .kv()
                        .put(ByteString.copyFromUtf8("load/" + loaded.get() % 1000), value)
                        .get(30, TimeUnit.SECONDS);
                    loaded.incrementAndGet();
                  } catch (Exception e) {
                    // A write lost to a leader change does not matter here.
                  }
                }
              },
              "backup-load");
      load.start();
      Run save;
      try {
        TestCluster.await("writes under way", LONG, () -> loaded.get() > 20);
        save = stratactl("--endpoints", saved.endpoint(), "snapshot", "save", file.toString());
      } finally {
        loading.set(false);
        load.join(TimeUnit.MINUTES.toMillis(1));
      }
      assertThat(save.exit()).as(save.err()).isZero();
      assertThat(save.out()).isEqualTo("Snapshot saved at " + file + "\n");
      assertThat(dir.resolve("backup.snap.part")).doesNotExist();

      Run status = snapshotTool("snapshot", "status", file.toString(), "-w", "json");
      assertThat(status.exit()).as(status.err()).isZero();
      Matcher m = STATUS_JSON.matcher(status.out().trim());
      assertThat(m.matches()).as(status.out()).isTrue();
      snapshotRevision = Long.parseLong(m.group(2));
      totalKeys = Long.parseLong(m.group(3));
      assertThat(Long.parseLong(m.group(4))).isEqualTo(Files.size(file));
      assertThat(totalKeys).isBetween((long) KEYS - KEYS / 20, (long) KEYS - KEYS / 20 + 1000);

      // Consistent under load: the file holds exactly the member's history up to its revision.
      assertThat(Integer.toUnsignedLong(saved.hashKv(snapshotRevision).getHash()))
          .isEqualTo(Long.parseLong(m.group(1)));
      // The source's key space at the snapshot revision: compacted there, then hashed there.
      client.kv().compact(snapshotRevision, true).get(5, TimeUnit.MINUTES);
      sourceHash = saved.hashKv(snapshotRevision).getHash();
      sourceRevision = saved.status().getHeader().getRevision();
    }

    // Refused files: nothing written.
    Path truncated = dir.resolve("truncated.snap");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 700));
    Path flipped = dir.resolve("flipped.snap");
    byte[] altered = bytes.clone();
    altered[altered.length / 2] ^= 0x01;
    Files.write(flipped, altered);
    for (Path bad : List.of(truncated, flipped)) {
      Run status = snapshotTool("snapshot", "status", bad.toString());
      assertThat(status.exit()).isNotZero();
      assertThat(status.err()).startsWith("Error: snapshot file is");
      Path target = dir.resolve("refused-" + bad.getFileName());
      Run restore =
          snapshotTool(
              "snapshot",
              "restore",
              bad.toString(),
              "--data-dir",
              target.toString(),
              "--name",
              "m1",
              "--initial-cluster",
              "m1=http://127.0.0.1:2380",
              "--initial-advertise-peer-urls",
              "http://127.0.0.1:2380");
      assertThat(restore.exit()).isNotZero();
      assertThat(restore.err()).startsWith("Error: snapshot file is");
      assertThat(target).doesNotExist();
      try (var left = Files.list(dir)) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .noneMatch(n -> n.startsWith("refused-"));
      }
    }

    try (TestCluster restored =
        TestCluster.prepare("BackupRestoreIT/restored", 3, TestCluster.FAST_ELECTION)) {
      for (Member member : restored.members()) {
        Run r = restore(file, member);
        assertThat(r.exit()).as(r.err()).isZero();
      }
      restored.startAll();
      restored.awaitLeader(LONG);
      long revision = restored.awaitSameRevision(LONG);
      assertThat(revision).isGreaterThan(sourceRevision);
      assertThat(revision).isEqualTo(snapshotRevision + SnapshotRestore.DEFAULT_BUMP_REVISION);
      for (Member member : restored.members()) {
        assertThat(member.hashKv(revision).getHash())
            .as("HashKV of %s", member)
            .isEqualTo(sourceHash);
      }
      try (Client client = client(restored.members())) {
        assertThat(
                client
                    .kv()
                    .get(
                        ByteString.copyFromUtf8("backup/key-"),
                        GetOptions.builder().prefix(true).countOnly(true).build())
                    .get(1, TimeUnit.MINUTES)
                    .getCount())
            .isEqualTo(KEYS - KEYS / 20);
        assertThat(
                client
                    .kv()
                    .get(key(5))
                    .get(1, TimeUnit.MINUTES)
                    .getKvs(0)
                    .getValue()
                    .toStringUtf8())
            .isEqualTo("second-1");
        assertThat(client.kv().get(key(21)).get(1, TimeUnit.MINUTES).getKvsCount()).isZero();
        assertThatThrownBy(
                () ->
                    client
                        .kv()
                        .get(key(0), GetOptions.builder().revision(snapshotRevision).build())
                        .join())
            .cause()
            .isInstanceOf(CompactedException.class)
            .hasMessage("etcdserver: mvcc: required revision has been compacted");
        // The restored cluster takes writes at revisions after the bump.
        long next =
            client
                .kv()
                .put(key(0), ByteString.copyFromUtf8("after"))
                .join()
                .getHeader()
                .getRevision();
        assertThat(next).isEqualTo(revision + 1);
      }
    }
  }
}
