package io.strata.server.faults.check;

import io.strata.server.faults.history.Op;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Hand-written histories for the checkers' self-tests: explicit times, explicit outcomes. */
final class HistoryBuilder {
  private final List<Op> ops = new ArrayList<>();

  List<Op> build() {
    return List.copyOf(ops);
  }

  HistoryBuilder write(int client, String key, String value, long from, long to, long revision) {
    return add(
        client, Op.Type.WRITE, key, value, null, from, to, Op.Outcome.OK, null, false, revision);
  }

  HistoryBuilder writeUnknown(int client, String key, String value, long from) {
    return add(
        client, Op.Type.WRITE, key, value, null, from, 0, Op.Outcome.UNKNOWN, null, false, 0);
  }

  HistoryBuilder read(
      int client, String key, @Nullable String result, long from, long to, long revision) {
    return add(
        client, Op.Type.READ, key, null, null, from, to, Op.Outcome.OK, result, false, revision);
  }

  HistoryBuilder cas(
      int client,
      String key,
      @Nullable String expected,
      String value,
      boolean ok,
      long from,
      long to,
      long revision) {
    return add(
        client, Op.Type.CAS, key, value, expected, from, to, Op.Outcome.OK, null, ok, revision);
  }

  HistoryBuilder casUnknown(
      int client, String key, @Nullable String expected, String value, long from) {
    return add(
        client, Op.Type.CAS, key, value, expected, from, 0, Op.Outcome.UNKNOWN, null, false, 0);
  }

  HistoryBuilder delete(
      int client, String key, boolean deleted, long from, long to, long revision) {
    return add(
        client, Op.Type.DELETE, key, null, null, from, to, Op.Outcome.OK, null, deleted, revision);
  }

  HistoryBuilder deleteUnknown(int client, String key, long from) {
    return add(
        client, Op.Type.DELETE, key, null, null, from, 0, Op.Outcome.UNKNOWN, null, false, 0);
  }

  HistoryBuilder lock(
      int client, String name, String holderKey, long from, long to, long revision) {
    return add(
        client,
        Op.Type.LOCK,
        name,
        null,
        null,
        from,
        to,
        Op.Outcome.OK,
        holderKey,
        false,
        revision);
  }

  HistoryBuilder add(
      int client,
      Op.Type type,
      String key,
      @Nullable String value,
      @Nullable String expected,
      long from,
      long to,
      Op.Outcome outcome,
      @Nullable String result,
      boolean succeeded,
      long revision) {
    ops.add(
        new Op(
            ops.size() + 1,
            client,
            "m1",
            type,
            key,
            value,
            expected,
            from,
            to,
            outcome,
            result,
            succeeded,
            revision,
            List.of(),
            outcome == Op.Outcome.OK ? null : "timeout"));
    return this;
  }

  HistoryBuilder addOp(Op op) {
    ops.add(op);
    return this;
  }
}
