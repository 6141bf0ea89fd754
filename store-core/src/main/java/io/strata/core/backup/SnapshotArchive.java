package io.strata.core.backup;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The snapshot file format: {@code "STRATA-SNAPSHOT\n"}, a format version, then for each file of a
 * RocksDB checkpoint its name, size and bytes, then an end mark, then the SHA-256 of everything
 * before it (32 bytes). Like etcd's snapshot stream, the hash is the trailer, so a reader knows the
 * file is whole and unaltered only at the very end; {@link #unpack} therefore writes into a
 * temporary directory and moves it into place only after the hash matched.
 */
public final class SnapshotArchive {
  private static final byte[] MAGIC = "STRATA-SNAPSHOT\n".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int END = -1;
  public static final int HASH_BYTES = 32;
  private static final int BLOCK = 512;

  private SnapshotArchive() {}

  /** Writes the checkpoint directory {@code checkpoint} as an archive, trailer included. */
  public static void pack(Path checkpoint, OutputStream out) throws IOException {
    MessageDigest sha = sha256();
    DataOutputStream data = new DataOutputStream(new DigestOutputStream(out, sha));
    data.write(MAGIC);
    data.writeInt(VERSION);
    List<Path> files;
    try (Stream<Path> list = Files.list(checkpoint)) {
      files = list.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path f : files) {
      byte[] name = f.getFileName().toString().getBytes(StandardCharsets.UTF_8);
      data.writeInt(name.length);
      data.write(name);
      data.writeLong(Files.size(f));
      Files.copy(f, data);
    }
    data.writeInt(END);
    data.write(new byte[padding(data.size())]);
    data.flush();
    out.write(sha.digest());
    out.flush();
  }

  /** The size {@link #pack} will write for {@code checkpoint}. */
  public static long packedSize(Path checkpoint) throws IOException {
    long size = MAGIC.length + 4L + 4L;
    try (Stream<Path> list = Files.list(checkpoint)) {
      for (Path f : (Iterable<Path>) list.filter(Files::isRegularFile)::iterator) {
        byte[] name = f.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        size += 4 + name.length + 8 + Files.size(f);
      }
    }
    return size + padding(size) + HASH_BYTES;
  }

  /**
   * Zero bytes that make the body a multiple of 512 bytes: etcd's clients accept a snapshot only
   * when its size is a multiple of 512 plus the 32-byte hash (bbolt files are whole pages).
   */
  private static int padding(long bodySize) {
    return (int) ((BLOCK - bodySize % BLOCK) % BLOCK);
  }

  /**
   * Unpacks an archive into {@code target}, which must not exist. Nothing appears under {@code
   * target} unless the whole archive was read and its hash matched.
   *
   * @throws CorruptSnapshotException if the archive is truncated, altered or not an archive
   */
  public static void unpack(InputStream in, Path target) throws IOException {
    if (Files.exists(target)) {
      throw new IOException(target + " already exists");
    }
    Path tmp = target.resolveSibling(target.getFileName() + ".partial-" + System.nanoTime());
    Files.createDirectories(tmp);
    try {
      readInto(in, tmp);
      Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      deleteRecursively(tmp);
    }
  }

  /** Reads the whole archive, checking its structure and hash, without writing anything. */
  public static void verify(InputStream in) throws IOException {
    readInto(in, null);
  }

  /** Reads the archive into {@code dir}, or only checks it when {@code dir} is null. */
  private static void readInto(InputStream raw, @Nullable Path dir) throws IOException {
    MessageDigest sha = sha256();
    BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
    DataInputStream data = new DataInputStream(new DigestInputStream(buffered, sha));
    try {
      byte[] magic = data.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new CorruptSnapshotException("not a Strata snapshot file");
      }
      int version = data.readInt();
      if (version != VERSION) {
        throw new CorruptSnapshotException("unsupported snapshot format version " + version);
      }
      List<String> names = new ArrayList<>();
      long body = MAGIC.length + 4L;
      while (true) {
        int nameLength = data.readInt();
        if (nameLength == END) {
          break;
        }
        if (nameLength <= 0 || nameLength > 4096) {
          throw new CorruptSnapshotException("corrupt snapshot: bad file entry");
        }
        String name = new String(data.readNBytes(nameLength), StandardCharsets.UTF_8);
        if (name.contains("/")
            || name.contains("\\")
            || name.startsWith(".")
            || names.contains(name)) {
          throw new CorruptSnapshotException("corrupt snapshot: bad file name");
        }
        names.add(name);
        long size = data.readLong();
        if (size < 0) {
          throw new CorruptSnapshotException("corrupt snapshot: bad file size");
        }
        copy(data, size, dir == null ? null : dir.resolve(name));
        body += 4 + nameLength + 8 + size;
      }
      body += 4;
      // What follows the end mark is zero padding up to a 512-byte boundary, then the hash.
      int pad = padding(body);
      byte[] rest = buffered.readNBytes(pad + HASH_BYTES);
      if (rest.length < pad + HASH_BYTES) {
        throw new CorruptSnapshotException(
            "snapshot file is truncated: the integrity hash is missing");
      }
      if (buffered.read() != -1) {
        throw new CorruptSnapshotException("snapshot file has trailing bytes after its hash");
      }
      for (int i = 0; i < pad; i++) {
        if (rest[i] != 0) {
          throw new CorruptSnapshotException("snapshot file is corrupt: bad padding");
        }
      }
      sha.update(rest, 0, pad);
      if (!MessageDigest.isEqual(sha.digest(), Arrays.copyOfRange(rest, pad, rest.length))) {
        throw new CorruptSnapshotException(
            "snapshot file is corrupt: the integrity hash does not match");
      }
    } catch (EOFException e) {
      throw new CorruptSnapshotException("snapshot file is truncated");
    }
  }

  private static void copy(DataInputStream in, long size, @Nullable Path file) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (OutputStream out =
        file == null ? OutputStream.nullOutputStream() : Files.newOutputStream(file)) {
      long left = size;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new EOFException();
        }
        out.write(buf, 0, n);
        left -= n;
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
