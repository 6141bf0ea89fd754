package io.strata.core.mvcc;

import io.strata.core.backend.rocksdb.TmpRocksBackend;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Bytes;
import io.strata.core.kv.DeleteRangeRequest;
import io.strata.core.kv.DeleteRangeResult;
import io.strata.core.kv.KeyValue;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.PutResult;
import io.strata.core.kv.RangeRequest;
import java.util.List;
import java.util.function.LongPredicate;

/** A real store on a temporary RocksDB directory with terse helpers for tests. */
final class StoreFixture implements AutoCloseable {
  final TmpRocksBackend tmp = new TmpRocksBackend();
  private final MvccConfig config;
  private final LongPredicate leases;
  MvccStore store;
  private long index;

  StoreFixture() {
    this(MvccConfig.defaults(), lease -> true);
  }

  StoreFixture(MvccConfig config, LongPredicate leases) {
    this.config = config;
    this.leases = leases;
    this.store = MvccStore.open(tmp.open(), config, leases);
  }

  AppliedIndex nextIndex() {
    return new AppliedIndex(1, ++index);
  }

  PutResult put(String key, String value) {
    return store.put(PutRequest.of(Bytes.utf8(key), Bytes.utf8(value)), nextIndex()).result();
  }

  DeleteRangeResult delete(String key) {
    return store.deleteRange(DeleteRangeRequest.key(Bytes.utf8(key)), nextIndex()).result();
  }

  List<KeyValue> get(String key) {
    return store.range(RangeRequest.get(Bytes.utf8(key))).kvs();
  }

  List<KeyValue> all() {
    return store.range(RangeRequest.range(new byte[] {0}, new byte[] {0})).kvs();
  }

  void reopen() {
    store.close();
    store = MvccStore.open(tmp.open(), config, leases);
  }

  @Override
  public void close() {
    store.close();
    tmp.close();
  }

  static byte[] b(String s) {
    return Bytes.utf8(s);
  }

  static String s(byte[] b) {
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
}
