package io.strata.server.apply;

import com.google.protobuf.InvalidProtocolBufferException;
import io.strata.api.etcdserverpb.Member;
import io.strata.core.mvcc.MvccStore;
import java.util.Optional;

/**
 * Membership state kept in the replicated store: the attributes members publish through Raft (id,
 * name, peer and client URLs, by name), the members added by MemberAdd (id, peer URLs, learner), by
 * id, which the cluster expects to join, and the peer URLs MemberUpdate gave a member, by id.
 */
public final class Members {
  private static final String ADDED = "member-added/";
  private static final String PEER_URLS = "member-peer-urls/";

  private Members() {}

  static String addedKey(long id) {
    return ADDED + Long.toHexString(id);
  }

  static String peerUrlsKey(long id) {
    return PEER_URLS + Long.toHexString(id);
  }

  /**
   * Every member whose peer URLs MemberUpdate set (id and peer URLs only); they override the
   * address the Raft group has for it until the member restarts with them.
   */
  public static java.util.List<Member> updated(MvccStore store) {
    java.util.List<Member> out = new java.util.ArrayList<>();
    for (byte[] bytes : store.states(PEER_URLS).values()) {
      out.add(parse(bytes, "updated peer URLs"));
    }
    return out;
  }

  /** The peer URLs MemberUpdate last set for member {@code id}, if it did. */
  public static Optional<Member> updated(MvccStore store, long id) {
    byte[] bytes = store.state(peerUrlsKey(id));
    return bytes == null ? Optional.empty() : Optional.of(parse(bytes, "updated peer URLs"));
  }

  private static Member parse(byte[] bytes, String what) {
    try {
      return Member.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt " + what + " record", e);
    }
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
