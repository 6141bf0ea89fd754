package io.strata.server.faults.history;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One client operation as the client saw it. Times are {@link System#nanoTime} of the test JVM:
 * {@code invokeNanos} before the request was sent, {@code completeNanos} after the reply (or the
 * error) arrived. An operation whose outcome is {@link Outcome#UNKNOWN} may have taken effect at
 * any time after its invocation, or never; checkers treat it as completing at infinity.
 *
 * @param id unique, increasing in invocation order
 * @param client the logical client (one thread issuing one operation at a time)
 * @param member the member the request was sent to
 * @param type what the operation does
 * @param key the key (or prefix, or lock name)
 * @param value the value written (WRITE, CAS new value, SET_ADD element, TXN_* new value)
 * @param expected the value a CAS expects, or a TXN_UPDATE's expected mod revision (decimal)
 * @param result what a READ returned ({@code null} when the key was absent); a LOCK's key
 * @param succeeded whether a CAS or conditional txn applied its writes; whether a DELETE deleted
 * @param revision the response header revision (the store revision the reply reflects)
 * @param values a SET_READ's or LIST's elements, or a LIST's "key=value@modRevision" entries
 * @param error the error text for FAILED and UNKNOWN outcomes
 */
public record Op(
    long id,
    int client,
    String member,
    Type type,
    String key,
    @Nullable String value,
    @Nullable String expected,
    long invokeNanos,
    long completeNanos,
    Outcome outcome,
    @Nullable String result,
    boolean succeeded,
    long revision,
    List<String> values,
    @Nullable String error) {

  /** What an operation does. */
  public enum Type {
    /** Linearizable get of one key. */
    READ,
    /** Unconditional put. */
    WRITE,
    /** Txn: if value(key) == expected then put value. */
    CAS,
    /** DeleteRange of one key ({@code succeeded}: it deleted something). */
    DELETE,
    /** Append-only set: put a new key under the set prefix. */
    SET_ADD,
    /** Append-only set: linearizable range over the set prefix. */
    SET_READ,
    /** Kubernetes-style create: txn if mod_revision(key) == 0 then put. */
    TXN_CREATE,
    /** Kubernetes-style update: txn if mod_revision(key) == expected then put. */
    TXN_UPDATE,
    /** Kubernetes-style list of a prefix at a revision with a limit. */
    LIST,
    /** Lock service: acquire (result = the holder's key; revision = grant revision). */
    LOCK,
    /** Lock service: release the holder's key. */
    UNLOCK
  }

  /** How an operation ended, from the client's point of view. */
  public enum Outcome {
    /** The reply arrived; the fields describe it. */
    OK,
    /** Definitely not applied (a read that failed, or a write refused before proposal). */
    FAILED,
    /** No reply, or an error that leaves open whether it was applied (a timeout). */
    UNKNOWN,
    /** Invoked but never completed before the history was closed (counts as unknown). */
    PENDING
  }

  /** Whether the operation may have changed the store (writes that were not definitely refused). */
  public boolean mayHaveWritten() {
    boolean write =
        switch (type) {
          case WRITE, CAS, DELETE, SET_ADD, TXN_CREATE, TXN_UPDATE, LOCK, UNLOCK -> true;
          default -> false;
        };
    return write && outcome != Outcome.FAILED;
  }

  /** An indeterminate operation: UNKNOWN or still PENDING. */
  public boolean indeterminate() {
    return outcome == Outcome.UNKNOWN || outcome == Outcome.PENDING;
  }

  /** Short form for violation messages. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append('#').append(id).append(" c").append(client).append('@').append(member).append(' ');
    sb.append(type).append(' ').append(key);
    if (value != null) {
      sb.append(" value=").append(value);
    }
    if (expected != null) {
      sb.append(" expected=").append(expected);
    }
    sb.append(" -> ").append(outcome);
    if (outcome == Outcome.OK) {
      if (type == Type.READ || type == Type.LOCK) {
        sb.append(" result=").append(result);
      }
      if (type == Type.CAS
          || type == Type.DELETE
          || type == Type.TXN_CREATE
          || type == Type.TXN_UPDATE) {
        sb.append(succeeded ? " succeeded" : " not-succeeded");
      }
      sb.append(" rev=").append(revision);
    } else if (error != null) {
      sb.append(" (").append(error).append(')');
    }
    sb.append(" [").append(invokeNanos).append(',');
    sb.append(indeterminate() ? "inf" : Long.toString(completeNanos)).append(']');
    return sb.toString();
  }
}
