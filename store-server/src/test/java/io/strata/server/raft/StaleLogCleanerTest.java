package io.strata.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.server.raftlog.segmented.SegmentedRaftLogOutputStream;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleLogCleanerTest {
  private static final SizeInBytes MAX_ENTRY = SizeInBytes.valueOf("4MB");

  @TempDir Path group;
  private Path current;

  @BeforeEach
  void createDirs() throws IOException {
    current = Files.createDirectories(group.resolve("current"));
    Files.createDirectories(group.resolve("sm"));
  }

  @Test
  void dropLogBehindSnapshot_logEndsBeforeSnapshot_deletesEverySegment() throws IOException {
    segment("log_0-9", 1, 0, 9);
    segment("log_inprogress_10", 1, 10, 63);
    snapshot(2, 199);

    assertThat(StaleLogCleaner.dropLogBehindSnapshot(group, MAX_ENTRY)).isEqualTo(2);
    assertThat(current.resolve("log_0-9")).doesNotExist();
    assertThat(current.resolve("log_inprogress_10")).doesNotExist();
  }

  @Test
  void dropLogBehindSnapshot_logReachesSnapshot_keepsIt() throws IOException {
    segment("log_0-9", 1, 0, 9);
    segment("log_inprogress_10", 1, 10, 63);
    snapshot(1, 63);

    assertThat(StaleLogCleaner.dropLogBehindSnapshot(group, MAX_ENTRY)).isZero();
    assertThat(current.resolve("log_inprogress_10")).exists();
  }

  @Test
  void dropLogBehindSnapshot_noSnapshot_keepsLog() throws IOException {
    segment("log_inprogress_0", 1, 0, 20);

    assertThat(StaleLogCleaner.dropLogBehindSnapshot(group, MAX_ENTRY)).isZero();
    assertThat(current.resolve("log_inprogress_0")).exists();
  }

  /** Writes entries {@code first..last} of {@code term} as Ratis writes a segment file. */
  private void segment(String name, long term, long first, long last) throws IOException {
    try (SegmentedRaftLogOutputStream out =
        new SegmentedRaftLogOutputStream(
            current.resolve(name).toFile(),
            false,
            1 << 20,
            1 << 16,
            ByteBuffer.allocate(1 << 16))) {
      for (long i = first; i <= last; i++) {
        out.write(
            LogEntryProto.newBuilder()
                .setTerm(term)
                .setIndex(i)
                .setStateMachineLogEntry(
                    StateMachineLogEntryProto.newBuilder()
                        .setLogData(ByteString.copyFromUtf8("entry " + i)))
                .build());
      }
      out.flush();
    }
  }

  private void snapshot(long term, long index) throws IOException {
    Files.createDirectories(group.resolve("sm").resolve("snapshot." + term + "_" + index));
  }
}
