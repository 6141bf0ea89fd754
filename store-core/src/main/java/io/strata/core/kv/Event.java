package io.strata.core.kv;

import org.jspecify.annotations.Nullable;

/**
 * A change to one key at one revision, as etcd's {@code mvccpb.Event}. {@code prevKv} is what
 * etcd's watch sends as prev_kv: the key's version at {@code revision - 1}, so null when the key
 * did not exist then, for a put that creates the key, and when that revision is compacted. (A
 * delete of a key its own transaction put gets the version from before the transaction.)
 */
public record Event(Type type, KeyValue kv, @Nullable KeyValue prevKv) {

  /** etcd's event types, with etcd's wire numbers as ordinals. */
  public enum Type {
    PUT,
    DELETE
  }

  /** The main revision of the change. */
  public long revision() {
    return kv.modRevision();
  }

  /** This event without its previous key value (for watchers that did not ask for prev_kv). */
  public Event withoutPrevKv() {
    return prevKv == null ? this : new Event(type, kv, null);
  }
}
