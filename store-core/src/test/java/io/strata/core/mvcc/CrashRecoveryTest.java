package io.strata.core.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.backend.rocksdb.TmpRocksBackend;
import io.strata.core.kv.Bytes;
import io.strata.core.kv.KeyValue;
import io.strata.core.kv.RangeRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A store whose process is killed (SIGKILL, no close) between writes reopens with every
 * acknowledged write and no partial one.
 */
@Timeout(120)
class CrashRecoveryTest {
  private static final int ACKS_BEFORE_KILL = 3000;

  @Test
  void killedWriter_reopensWithEveryAckedWriteAndNoPartialOne() throws Exception {
    try (TmpRocksBackend tmp = new TmpRocksBackend()) {
      long acked = 0;
      for (int round = 0; round < 2; round++) {
        acked = runAndKill(tmp.dir(), acked);
      }
      try (MvccStore store = MvccStore.open(tmp.open())) {
        long applied = store.appliedIndex().index();
        assertThat(applied).isGreaterThanOrEqualTo(acked);
        // Each write is one transaction, so revision and applied index advance together.
        assertThat(store.currentRevision()).isEqualTo(applied + 1);
        List<KeyValue> all =
            store
                .range(RangeRequest.range(Bytes.utf8("t/"), Bytes.prefixEnd(Bytes.utf8("t/"))))
                .kvs();
        Map<String, Integer> halves = new HashMap<>();
        for (KeyValue kv : all) {
          String key = new String(kv.key(), StandardCharsets.UTF_8);
          String n = key.substring(2, key.lastIndexOf('/'));
          assertThat(new String(kv.value(), StandardCharsets.UTF_8)).isEqualTo(n);
          assertThat(kv.modRevision()).isEqualTo(Long.parseLong(n) + 1);
          halves.merge(n, 1, Integer::sum);
        }
        assertThat(halves).hasSize((int) applied);
        assertThat(halves.values()).allMatch(count -> count == 2);
      }
    }
  }

  /** Runs a writer until it acknowledged more writes, kills it, returns the last ack seen. */
  private static long runAndKill(Path dir, long ackedBefore) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            CrashWriter.class.getName(),
            dir.toString());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process process = pb.start();
    long acked = ackedBefore;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        acked = Long.parseLong(line.substring("acked ".length()));
        if (acked >= ackedBefore + ACKS_BEFORE_KILL) {
          process.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
          break;
        }
      }
    } finally {
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(acked).isGreaterThanOrEqualTo(ackedBefore + ACKS_BEFORE_KILL);
    return acked;
  }
}
