package io.strata.server;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Who this member was when it last started, kept in {@code member/identity} under the data dir:
 * cluster id, etcd member id, Raft peer id and advertised peer URL.
 *
 * <p>As in etcd, the {@code --initial-*} flags only matter the first time: a member's ids are fixed
 * when it first starts (from {@code --initial-cluster} and the token) and read from here ever
 * after, so a member restarted with a new {@code --initial-advertise-peer-urls} (after
 * MemberUpdate), or with an {@code --initial-cluster} that lists the new URL, keeps its id and its
 * cluster's. The recorded peer URL is how a restart tells that the member moved. A data dir without
 * the file (older Strata, or a restored backup) gets its ids from the flags, as before.
 */
record LocalMember(long clusterId, long memberId, String raftPeerId, URI peerUrl) {
  private static final String FILE = "identity";

  static Optional<LocalMember> read(Path memberDir) throws IOException {
    Path file = memberDir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    try {
      return Optional.of(
          new LocalMember(
              Long.parseUnsignedLong(p.getProperty("cluster-id"), 16),
              Long.parseUnsignedLong(p.getProperty("member-id"), 16),
              p.getProperty("raft-peer-id").trim(),
              URI.create(p.getProperty("peer-url").trim())));
    } catch (RuntimeException e) {
      throw new IOException("corrupt " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes the file atomically (a crash leaves the old or the new one, never half of one). */
  void write(Path memberDir) throws IOException {
    Properties p = new Properties();
    p.setProperty("cluster-id", Long.toHexString(clusterId));
    p.setProperty("member-id", Long.toHexString(memberId));
    p.setProperty("raft-peer-id", raftPeerId);
    p.setProperty("peer-url", peerUrl.toString());
    Path tmp = memberDir.resolve(FILE + ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(out, "written by Strata at start; do not edit");
    }
    Files.move(
        tmp,
        memberDir.resolve(FILE),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }
}
