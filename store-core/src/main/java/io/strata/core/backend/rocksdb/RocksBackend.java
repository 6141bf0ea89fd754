package io.strata.core.backend.rocksdb;

import io.strata.core.BackendException;
import io.strata.core.backend.Backend;
import io.strata.core.backend.BackendConfig;
import io.strata.core.backend.KeyIterator;
import io.strata.core.backend.ReadView;
import io.strata.core.backend.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * A {@link Backend} on RocksDB. Views are RocksDB snapshots, batches are RocksDB write batches, and
 * checkpoints are RocksDB checkpoints (hard links, so they are cheap).
 *
 * <p>Memory is bounded by the shared block cache and the memtables, whatever the number of keys.
 */
public final class RocksBackend implements Backend {
  static {
    RocksDB.loadLibrary();
  }

  private final BackendConfig config;
  private final LRUCache blockCache;
  private final WriteBufferManager writeBufferManager;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final RocksDB db;
  private final Map<String, ColumnFamilyHandle> handles = new HashMap<>();
  private final List<ColumnFamilyHandle> allHandles = new ArrayList<>();
  private final WriteOptions writeOptions;
  private final ReadOptions latestReadOptions;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RocksBackend(BackendConfig config) throws RocksDBException, IOException {
    this.config = config;
    Files.createDirectories(config.dir());
    // One memory budget for RocksDB: the memtables of all column families together are capped at
    // one write buffer and charged to the block cache, which is sized to hold both. Without the
    // cap each column family could keep three full memtables, several hundred MiB of RSS under a
    // write load, where etcd stays under 200 MiB.
    blockCache = new LRUCache(config.blockCacheBytes() + config.writeBufferBytes());
    writeBufferManager = new WriteBufferManager(config.writeBufferBytes(), blockCache);
    BlockBasedTableConfig table =
        new BlockBasedTableConfig()
            .setBlockCache(blockCache)
            .setCacheIndexAndFilterBlocks(true)
            .setPinL0FilterAndIndexBlocksInCache(true)
            // 4 KiB blocks: a point read decompresses and caches a quarter of what 16 KiB
            // blocks cost (+33 % point reads at 1,000,000 keys, docs/benchmarks.md).
            .setBlockSize(4 * 1024);
    cfOptions =
        new ColumnFamilyOptions()
            .setTableFormatConfig(table)
            .setWriteBufferSize(config.writeBufferBytes())
            .setMaxWriteBufferNumber(3)
            .setCompressionType(CompressionType.LZ4_COMPRESSION)
            .setLevelCompactionDynamicLevelBytes(true);
    dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setWriteBufferManager(writeBufferManager)
            // Without a WAL, only flushes persist: they must cover every column family at once.
            .setAtomicFlush(!config.walEnabled())
            .setMaxBackgroundJobs(2)
            .setBytesPerSync(1 << 20)
            .setKeepLogFileNum(5);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (String column : config.columns()) {
      descriptors.add(
          new ColumnFamilyDescriptor(column.getBytes(StandardCharsets.UTF_8), cfOptions));
    }
    db = RocksDB.open(dbOptions, config.dir().toString(), descriptors, allHandles);
    for (int i = 0; i < config.columns().size(); i++) {
      handles.put(config.columns().get(i), allHandles.get(i + 1));
    }
    writeOptions =
        new WriteOptions().setSync(config.syncWrites()).setDisableWAL(!config.walEnabled());
    latestReadOptions = new ReadOptions();
  }

  /**
   * Opens (creating if needed) the RocksDB database in {@code config.dir()}.
   *
   * @throws BackendException if RocksDB cannot open it (locked by another process, corrupt, ...)
   */
  public static RocksBackend open(BackendConfig config) {
    try {
      return new RocksBackend(config);
    } catch (RocksDBException | IOException e) {
      throw new BackendException(
          "cannot open RocksDB in " + config.dir() + ": " + e.getMessage(), e);
    }
  }

  public BackendConfig config() {
    return config;
  }

  ColumnFamilyHandle handle(String column) {
    // A closed handle is a dangling native pointer: using one crashes the JVM, so fail instead.
    ensureOpen();
    ColumnFamilyHandle h = handles.get(column);
    if (h == null) {
      throw new IllegalArgumentException("unknown column family " + column);
    }
    return h;
  }

  @Override
  public ReadView openView() {
    ensureOpen();
    Snapshot snapshot = db.getSnapshot();
    ReadOptions options = new ReadOptions().setSnapshot(snapshot);
    return new View(options, snapshot);
  }

  @Override
  public ReadView latest() {
    ensureOpen();
    return new View(latestReadOptions, null);
  }

  @Override
  public WriteBatch newBatch() {
    return new RocksWriteBatch(this);
  }

  @Override
  public void write(WriteBatch batch) {
    ensureOpen();
    try {
      db.write(writeOptions, ((RocksWriteBatch) batch).batch);
    } catch (RocksDBException e) {
      throw new BackendException("RocksDB write failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkpoint(Path dir) {
    ensureOpen();
    try (Checkpoint checkpoint = Checkpoint.create(db)) {
      checkpoint.createCheckpoint(dir.toString());
    } catch (RocksDBException e) {
      throw new BackendException("RocksDB checkpoint to " + dir + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public long approximateSize() {
    return sumProperty("rocksdb.total-sst-files-size") + sumProperty("rocksdb.size-all-mem-tables");
  }

  @Override
  public long approximateLiveSize() {
    return sumProperty("rocksdb.estimate-live-data-size")
        + sumProperty("rocksdb.size-all-mem-tables");
  }

  private long sumProperty(String property) {
    ensureOpen();
    long total = 0;
    try {
      for (ColumnFamilyHandle h : allHandles) {
        total += db.getLongProperty(h, property);
      }
    } catch (RocksDBException e) {
      throw new BackendException("RocksDB property " + property + ": " + e.getMessage(), e);
    }
    return total;
  }

  @Override
  public void compactAll() {
    ensureOpen();
    try (CompactRangeOptions options = new CompactRangeOptions()) {
      for (ColumnFamilyHandle h : allHandles) {
        db.compactRange(h, null, null, options);
      }
    } catch (RocksDBException e) {
      throw new BackendException("RocksDB compaction failed: " + e.getMessage(), e);
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new BackendException("backend is closed");
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (config.walEnabled()) {
        db.syncWal();
      } else {
        // A clean close keeps everything, so a restart has nothing to replay.
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
          db.flush(flush, allHandles);
        }
      }
    } catch (RocksDBException e) {
      // Closing is best effort: the WAL, or without one the Raft log, covers what is lost here.
    }
    for (ColumnFamilyHandle h : allHandles) {
      h.close();
    }
    db.close();
    writeOptions.close();
    latestReadOptions.close();
    dbOptions.close();
    cfOptions.close();
    writeBufferManager.close();
    blockCache.close();
  }

  /** A snapshot view (with a snapshot) or the latest view (without). */
  private final class View implements ReadView {
    private final ReadOptions options;
    private final @Nullable Snapshot snapshot;

    View(ReadOptions options, @Nullable Snapshot snapshot) {
      this.options = options;
      this.snapshot = snapshot;
    }

    @Override
    public byte @Nullable [] get(String column, byte[] key) {
      ensureOpen();
      try {
        return db.get(handle(column), options, key);
      } catch (RocksDBException e) {
        throw new BackendException("RocksDB get failed: " + e.getMessage(), e);
      }
    }

    @Override
    public KeyIterator iterator(String column, byte @Nullable [] upperBound) {
      ensureOpen();
      if (upperBound == null) {
        return new RocksKeyIterator(db.newIterator(handle(column), options), null, null);
      }
      Slice bound = new Slice(upperBound);
      ReadOptions bounded = new ReadOptions().setIterateUpperBound(bound);
      if (snapshot != null) {
        bounded.setSnapshot(snapshot);
      }
      return new RocksKeyIterator(db.newIterator(handle(column), bounded), bounded, bound);
    }

    @Override
    public void close() {
      if (snapshot != null) {
        if (!closed.get()) {
          db.releaseSnapshot(snapshot);
        }
        options.close();
      }
    }
  }

  private static final class RocksKeyIterator implements KeyIterator {
    private final RocksIterator it;
    private final @Nullable ReadOptions ownedOptions;
    private final @Nullable Slice ownedBound;

    RocksKeyIterator(RocksIterator it, @Nullable ReadOptions ownedOptions, @Nullable Slice bound) {
      this.it = it;
      this.ownedOptions = ownedOptions;
      this.ownedBound = bound;
    }

    @Override
    public void seek(byte[] target) {
      it.seek(target);
    }

    @Override
    public void seekForPrev(byte[] target) {
      it.seekForPrev(target);
    }

    @Override
    public void seekToFirst() {
      it.seekToFirst();
    }

    @Override
    public void seekToLast() {
      it.seekToLast();
    }

    @Override
    public boolean valid() {
      if (it.isValid()) {
        return true;
      }
      try {
        it.status();
      } catch (RocksDBException e) {
        throw new BackendException("RocksDB iterator failed: " + e.getMessage(), e);
      }
      return false;
    }

    @Override
    public void next() {
      it.next();
    }

    @Override
    public void prev() {
      it.prev();
    }

    @Override
    public byte[] key() {
      return it.key();
    }

    @Override
    public byte[] value() {
      return it.value();
    }

    @Override
    public void close() {
      it.close();
      if (ownedOptions != null) {
        ownedOptions.close();
      }
      if (ownedBound != null) {
        ownedBound.close();
      }
    }
  }

  private static final class RocksWriteBatch implements WriteBatch {
    private final RocksBackend backend;
    private final org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch();

    RocksWriteBatch(RocksBackend backend) {
      this.backend = backend;
    }

    @Override
    public void put(String column, byte[] key, byte[] value) {
      try {
        batch.put(backend.handle(column), key, value);
      } catch (RocksDBException e) {
        throw new BackendException("RocksDB batch put failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void delete(String column, byte[] key) {
      try {
        batch.delete(backend.handle(column), key);
      } catch (RocksDBException e) {
        throw new BackendException("RocksDB batch delete failed: " + e.getMessage(), e);
      }
    }

    @Override
    public int count() {
      return batch.count();
    }

    @Override
    public long sizeInBytes() {
      return batch.getDataSize();
    }

    @Override
    public void close() {
      batch.close();
    }
  }
}
