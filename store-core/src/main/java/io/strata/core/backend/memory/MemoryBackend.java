package io.strata.core.backend.memory;

import io.strata.core.BackendException;
import io.strata.core.backend.Backend;
import io.strata.core.backend.KeyIterator;
import io.strata.core.backend.ReadView;
import io.strata.core.backend.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Backend} held in sorted maps. Writes and view creation are serialized by the instance
 * lock; a view is a copy, so it is isolated from later writes by construction.
 */
public final class MemoryBackend implements Backend {
  private final Object lock = new Object();

  // @GuardedBy("lock")
  private final Map<String, NavigableMap<byte[], byte[]>> columns = new HashMap<>();

  // @GuardedBy("lock")
  private boolean closed;

  public MemoryBackend(List<String> columnNames) {
    for (String name : columnNames) {
      columns.put(name, new TreeMap<>(Arrays::compareUnsigned));
    }
  }

  private Map<String, NavigableMap<byte[], byte[]>> copy() {
    synchronized (lock) {
      ensureOpen();
      Map<String, NavigableMap<byte[], byte[]>> copy = new HashMap<>();
      columns.forEach((name, map) -> copy.put(name, new TreeMap<>(map)));
      return copy;
    }
  }

  @Override
  public ReadView openView() {
    return new CopyView(copy());
  }

  @Override
  public ReadView latest() {
    return new ReadView() {
      @Override
      public byte @Nullable [] get(String column, byte[] key) {
        synchronized (lock) {
          ensureOpen();
          return column(columns, column).get(key);
        }
      }

      @Override
      public KeyIterator iterator(String column, byte @Nullable [] upperBound) {
        return new CopyView(copy()).iterator(column, upperBound);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public WriteBatch newBatch() {
    return new MemoryBatch();
  }

  @Override
  public void write(WriteBatch batch) {
    synchronized (lock) {
      ensureOpen();
      for (MemoryBatch.Mutation m : ((MemoryBatch) batch).mutations) {
        NavigableMap<byte[], byte[]> map = column(columns, m.column());
        if (m.value() == null) {
          map.remove(m.key());
        } else {
          map.put(m.key(), m.value());
        }
      }
    }
  }

  @Override
  public void checkpoint(Path dir) {
    throw new UnsupportedOperationException("an in-memory backend has no on-disk checkpoint");
  }

  @Override
  public long approximateSize() {
    synchronized (lock) {
      long size = 0;
      for (NavigableMap<byte[], byte[]> map : columns.values()) {
        for (Map.Entry<byte[], byte[]> e : map.entrySet()) {
          size += e.getKey().length + e.getValue().length;
        }
      }
      return size;
    }
  }

  @Override
  public long approximateLiveSize() {
    return approximateSize();
  }

  @Override
  public void compactAll() {}

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new BackendException("backend is closed");
    }
  }

  private static NavigableMap<byte[], byte[]> column(
      Map<String, NavigableMap<byte[], byte[]>> all, String name) {
    NavigableMap<byte[], byte[]> map = all.get(name);
    if (map == null) {
      throw new IllegalArgumentException("unknown column family " + name);
    }
    return map;
  }

  private static final class CopyView implements ReadView {
    private final Map<String, NavigableMap<byte[], byte[]>> data;

    CopyView(Map<String, NavigableMap<byte[], byte[]>> data) {
      this.data = data;
    }

    @Override
    public byte @Nullable [] get(String column, byte[] key) {
      byte[] v = column(data, column).get(key);
      return v == null ? null : v.clone();
    }

    @Override
    public KeyIterator iterator(String column, byte @Nullable [] upperBound) {
      NavigableMap<byte[], byte[]> map = column(data, column);
      if (upperBound != null) {
        map = map.headMap(upperBound, false);
      }
      return new MapIterator(map);
    }

    @Override
    public void close() {}
  }

  private static final class MapIterator implements KeyIterator {
    private final NavigableMap<byte[], byte[]> map;
    private Map.@Nullable Entry<byte[], byte[]> current;

    MapIterator(NavigableMap<byte[], byte[]> map) {
      this.map = map;
    }

    @Override
    public void seek(byte[] target) {
      current = map.ceilingEntry(target);
    }

    @Override
    public void seekForPrev(byte[] target) {
      current = map.floorEntry(target);
    }

    @Override
    public void seekToFirst() {
      current = map.firstEntry();
    }

    @Override
    public void seekToLast() {
      current = map.lastEntry();
    }

    @Override
    public boolean valid() {
      return current != null;
    }

    @Override
    public void next() {
      current = map.higherEntry(entry().getKey());
    }

    @Override
    public void prev() {
      current = map.lowerEntry(entry().getKey());
    }

    @Override
    public byte[] key() {
      return entry().getKey().clone();
    }

    @Override
    public byte[] value() {
      return entry().getValue().clone();
    }

    private Map.Entry<byte[], byte[]> entry() {
      Map.Entry<byte[], byte[]> e = current;
      if (e == null) {
        throw new IllegalStateException("iterator is not positioned");
      }
      return e;
    }

    @Override
    public void close() {}
  }

  private static final class MemoryBatch implements WriteBatch {
    // A batch entry, only replayed in order: never compared or hashed.
    @SuppressWarnings("ArrayRecordComponent")
    record Mutation(String column, byte[] key, byte @Nullable [] value) {}

    private final List<Mutation> mutations = new ArrayList<>();
    private long size;

    @Override
    public void put(String column, byte[] key, byte[] value) {
      mutations.add(new Mutation(column, key.clone(), value.clone()));
      size += key.length + value.length;
    }

    @Override
    public void delete(String column, byte[] key) {
      mutations.add(new Mutation(column, key.clone(), null));
      size += key.length;
    }

    @Override
    public int count() {
      return mutations.size();
    }

    @Override
    public long sizeInBytes() {
      return size;
    }

    @Override
    public void close() {}
  }
}
