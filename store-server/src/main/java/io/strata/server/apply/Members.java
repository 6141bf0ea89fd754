package io.strata.server.apply;

import com.google.protobuf.InvalidProtocolBufferException;
import io.strata.api.etcdserverpb.Member;
import io.strata.core.mvcc.MvccStore;
import java.util.Optional;

/** The member attributes members publish through Raft (name and client URLs), by name. */
public final class Members {
  private Members() {}

  static String key(String name) {
    return "member/" + name;
  }

  /** What the named member published, if it did. */
  public static Optional<Member> published(MvccStore store, String name) {
    byte[] bytes = store.state(key(name));
    if (bytes == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Member.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt member attributes for " + name, e);
    }
  }
}
