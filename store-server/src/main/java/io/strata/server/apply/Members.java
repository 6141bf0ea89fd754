package io.strata.server.apply;

import com.google.protobuf.InvalidProtocolBufferException;
import io.strata.api.etcdserverpb.Member;
import io.strata.core.mvcc.MvccStore;
import java.util.Optional;

/**
 * Membership state kept in the replicated store: the attributes members publish through Raft (name
 * and client URLs, by name), and the members added by MemberAdd (id, peer URLs, learner), by id,
 * which the cluster expects to join.
 */
public final class Members {
  private static final String ADDED = "member-added/";

  private Members() {}

  static String addedKey(long id) {
    return ADDED + Long.toHexString(id);
  }

  /** Every member added by MemberAdd whose record is still kept, by id. */
  public static java.util.List<Member> added(MvccStore store) {
    java.util.List<Member> out = new java.util.ArrayList<>();
    for (byte[] bytes : store.states(ADDED).values()) {
      try {
        out.add(Member.parseFrom(bytes));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("corrupt added-member record", e);
      }
    }
    return out;
  }

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
