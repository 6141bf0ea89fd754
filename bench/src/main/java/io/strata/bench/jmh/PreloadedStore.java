package io.strata.bench.jmh;

import io.strata.core.backend.BackendConfig;
import io.strata.core.backend.rocksdb.RocksBackend;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.PutResult;
import io.strata.core.mvcc.ApplyBatch;
import io.strata.core.mvcc.MvccConfig;
import io.strata.core.mvcc.MvccStore;
import io.strata.core.schema.ColumnFamilies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An {@link MvccStore} on RocksDB (default write buffer, no fsync) in a temporary directory,
 * preloaded with {@link #keyCount} keys of {@value #KEY_BYTES} bytes and random values of {@value
 * #VALUE_BYTES} bytes, then fully compacted so that every run starts from the same settled LSM
 * tree. The directory is deleted at tear-down.
 *
 * <p>Key {@code i} is {@code "key/"} followed by {@code i} in 12 zero-padded digits, so key order
 * is index order and {@code [key(i), key(i + n))} holds exactly {@code n} keys. The state tracks
 * each key's modRevision for compare-and-put transactions; writers must report their puts through
 * {@link #written}. The store has a single writer, so the write benchmarks run with one thread.
 */
@State(Scope.Benchmark)
public class PreloadedStore {
  static final int KEY_BYTES = 16;
  static final int VALUE_BYTES = 100;

  /** Puts per {@link ApplyBatch} while preloading. */
  private static final int PRELOAD_BATCH = 1000;

  /** Random bytes that values are cut from, so values do not compress. */
  private static final int VALUE_POOL_BYTES = 1 << 20;

  @Param({"1000", "1000000"})
  public int keyCount;

  /**
   * The RocksDB block cache in MiB; the default is {@code BackendConfig.DEFAULT_BLOCK_CACHE_BYTES}.
   * Raise it with {@code -p blockCacheMiB=512} to see how much of a result is block cache misses.
   */
  @Param({"64"})
  public int blockCacheMiB;

  /**
   * The engine's cache of newest versions in MiB; the default is {@code
   * MvccConfig.DEFAULT_LATEST_CACHE_BYTES}, which holds the newest version of every one of
   * 1,000,000 keys. With {@code -p latestCacheMiB=64} about a quarter of them fit, and most puts
   * and point reads seek RocksDB.
   */
  @Param({"256"})
  public int latestCacheMiB;

  private Path dir;
  private MvccStore store;
  private byte[][] keys;
  private long[] modRevisions;
  private byte[] valuePool;
  private long appliedIndex;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("strata-jmh-");
    keys = new byte[keyCount][];
    modRevisions = new long[keyCount];
    valuePool = new byte[VALUE_POOL_BYTES];
    new SplittableRandom(42).nextBytes(valuePool);
    for (int i = 0; i < keyCount; i++) {
      keys[i] = key(i);
    }
    RocksBackend backend;
    try {
      backend =
          RocksBackend.open(
              new BackendConfig(
                  dir,
                  ColumnFamilies.ALL,
                  (long) blockCacheMiB << 20,
                  BackendConfig.DEFAULT_WRITE_BUFFER_BYTES,
                  false));
    } catch (RuntimeException e) {
      deleteRecursively(dir);
      throw e;
    }
    // JMH skips the tear-down when the setup fails, so a failed setup cleans up itself.
    try {
      store =
          MvccStore.open(
              backend, new MvccConfig(128, 1000, (long) latestCacheMiB << 20), lease -> true);
    } catch (RuntimeException e) {
      backend.close();
      deleteRecursively(dir);
      throw e;
    }
    try {
      preload();
      backend.compactAll();
    } catch (RuntimeException e) {
      tearDown();
      throw e;
    }
  }

  private void preload() {
    for (int from = 0; from < keyCount; from += PRELOAD_BATCH) {
      int to = Math.min(from + PRELOAD_BATCH, keyCount);
      try (ApplyBatch batch = store.newBatch()) {
        for (int i = from; i < to; i++) {
          written(i, batch.put(PutRequest.of(keys[i], newValue())));
        }
        batch.commit(nextIndex());
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try {
      store.close();
    } finally {
      deleteRecursively(dir);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The 16-byte key of index {@code i}. */
  private static byte[] key(int i) {
    byte[] key = Arrays.copyOf("key/".getBytes(StandardCharsets.US_ASCII), KEY_BYTES);
    long n = i;
    for (int at = KEY_BYTES - 1; at >= 4; at--) {
      key[at] = (byte) ('0' + n % 10);
      n /= 10;
    }
    return key;
  }

  MvccStore store() {
    return store;
  }

  /** The preloaded key of index {@code i}; callers must not mutate it. */
  byte[] keyAt(int i) {
    return keys[i];
  }

  /** A uniformly random index of a preloaded key. */
  int randomIndex() {
    return ThreadLocalRandom.current().nextInt(keyCount);
  }

  /** A uniformly random index in {@code [0, bound)}. */
  int randomIndex(int bound) {
    return ThreadLocalRandom.current().nextInt(bound);
  }

  /** A fresh {@value #VALUE_BYTES}-byte random value (the store takes ownership of it). */
  byte[] newValue() {
    int from = ThreadLocalRandom.current().nextInt(VALUE_POOL_BYTES - VALUE_BYTES);
    return Arrays.copyOfRange(valuePool, from, from + VALUE_BYTES);
  }

  /** The next applied-index marker, as the Raft log would give it. */
  AppliedIndex nextIndex() {
    return new AppliedIndex(1, ++appliedIndex);
  }

  /** The modRevision of key {@code i}. */
  long modRevision(int i) {
    return modRevisions[i];
  }

  /** Records that key {@code i} was put with {@code result}. */
  void written(int i, PutResult result) {
    modRevisions[i] = result.revision();
  }
}
