package io.strata.core.backend.rocksdb;

import io.strata.core.backend.BackendConfig;
import io.strata.core.schema.ColumnFamilies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A RocksDB directory under the system temp dir, deleted on {@link #close}. Opens any number of
 * {@link RocksBackend}s on it in turn (to test reopening) with small memory settings.
 */
public final class TmpRocksBackend implements AutoCloseable {
  private final Path dir;

  public TmpRocksBackend() {
    try {
      dir = Files.createTempDirectory("strata-rocks-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** Opens a backend with the store's column families on this directory. */
  public RocksBackend open() {
    return open(dir);
  }

  /** Opens a backend with the store's column families on {@code path}. */
  public static RocksBackend open(Path path) {
    return RocksBackend.open(
        new BackendConfig(path, ColumnFamilies.ALL, 8L << 20, 4L << 20, false));
  }

  /** A fresh sub directory path (not created) for checkpoints. */
  public Path newPath(String name) {
    return dir.resolveSibling(dir.getFileName() + "-" + name);
  }

  @Override
  public void close() {
    deleteRecursively(dir);
  }

  public static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
