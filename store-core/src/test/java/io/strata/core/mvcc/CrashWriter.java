package io.strata.core.mvcc;

import io.strata.core.backend.rocksdb.TmpRocksBackend;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Bytes;
import io.strata.core.kv.Op;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.TxnRequest;
import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link CrashRecoveryTest}: writes forever and prints {@code acked N} after
 * write N is committed, until it is killed. Write N is a transaction putting {@code t/N/a} and
 * {@code t/N/b} with value N, applied with applied index N.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) {
    MvccStore store = MvccStore.open(TmpRocksBackend.open(Path.of(args[0])));
    for (long n = store.appliedIndex().index() + 1; ; n++) {
      byte[] value = Bytes.utf8(Long.toString(n));
      TxnRequest txn =
          new TxnRequest(
              List.of(),
              List.of(
                  Op.put(PutRequest.of(Bytes.utf8("t/" + n + "/a"), value)),
                  Op.put(PutRequest.of(Bytes.utf8("t/" + n + "/b"), value))),
              List.of());
      store.txn(txn, new AppliedIndex(1, n));
      System.out.println("acked " + n);
      System.out.flush();
    }
  }
}
