package io.strata.server.faults.history;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A thread-safe recorder of client operations. A client calls {@link #invoke} right before it sends
 * a request and one of {@link Call#ok}, {@link Call#failed} or {@link Call#unknown} once the reply
 * or error arrived. Calls never completed show up as {@link Op.Outcome#PENDING}.
 */
public final class History {
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Op> done = new ConcurrentHashMap<>();
  private final Map<Long, Call> pending = new ConcurrentHashMap<>();

  /** Records the invocation of an operation; complete it through the returned call. */
  public Call invoke(
      int client,
      String member,
      Op.Type type,
      String key,
      @Nullable String value,
      @Nullable String expected) {
    Call call = new Call(ids.incrementAndGet(), client, member, type, key, value, expected);
    pending.put(call.id, call);
    return call;
  }

  /** Every operation so far, in invocation order; uncompleted ones as PENDING. */
  public List<Op> ops() {
    List<Op> out = new ArrayList<>(done.values());
    for (Call c : pending.values()) {
      out.add(c.op(Op.Outcome.PENDING, null, false, 0, List.of(), null, Long.MAX_VALUE));
    }
    out.sort(Comparator.comparingLong(Op::id));
    return out;
  }

  /** Writes one JSON object per operation (the history file kept under target/). */
  public void writeJsonLines(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (Op op : ops()) {
          w.write(Json.of(op));
          w.newLine();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An invoked operation waiting for its outcome. Complete it exactly once. */
  public final class Call {
    private final long id;
    private final int client;
    private final String member;
    private final Op.Type type;
    private final String key;
    private final @Nullable String value;
    private final @Nullable String expected;
    private final long invokeNanos;

    private Call(
        long id,
        int client,
        String member,
        Op.Type type,
        String key,
        @Nullable String value,
        @Nullable String expected) {
      this.id = id;
      this.client = client;
      this.member = member;
      this.type = type;
      this.key = key;
      this.value = value;
      this.expected = expected;
      this.invokeNanos = System.nanoTime();
    }

    public Op ok(@Nullable String result, boolean succeeded, long revision, List<String> values) {
      return complete(Op.Outcome.OK, result, succeeded, revision, values, null);
    }

    public Op failed(String error) {
      return complete(Op.Outcome.FAILED, null, false, 0, List.of(), error);
    }

    public Op unknown(String error) {
      return complete(Op.Outcome.UNKNOWN, null, false, 0, List.of(), error);
    }

    private Op complete(
        Op.Outcome outcome,
        @Nullable String result,
        boolean succeeded,
        long revision,
        List<String> values,
        @Nullable String error) {
      Op op = op(outcome, result, succeeded, revision, values, error, System.nanoTime());
      if (pending.remove(id) == null) {
        throw new IllegalStateException("operation " + id + " completed twice");
      }
      done.put(id, op);
      return op;
    }

    private Op op(
        Op.Outcome outcome,
        @Nullable String result,
        boolean succeeded,
        long revision,
        List<String> values,
        @Nullable String error,
        long completeNanos) {
      return new Op(
          id,
          client,
          member,
          type,
          key,
          value,
          expected,
          invokeNanos,
          completeNanos,
          outcome,
          result,
          succeeded,
          revision,
          List.copyOf(values),
          error);
    }
  }

  /** Minimal JSON encoding: the history is written, never parsed back, by the harness. */
  static final class Json {
    private Json() {}

    static String of(Op op) {
      StringBuilder sb = new StringBuilder("{");
      field(sb, "id", op.id());
      field(sb, "client", op.client());
      field(sb, "member", op.member());
      field(sb, "type", op.type().name());
      field(sb, "key", op.key());
      field(sb, "value", op.value());
      field(sb, "expected", op.expected());
      field(sb, "invoke", op.invokeNanos());
      field(sb, "complete", op.indeterminate() ? null : Long.valueOf(op.completeNanos()));
      field(sb, "outcome", op.outcome().name());
      field(sb, "result", op.result());
      field(sb, "succeeded", op.succeeded());
      field(sb, "revision", op.revision());
      sb.append("\"values\":[");
      for (int i = 0; i < op.values().size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        string(sb, op.values().get(i));
      }
      sb.append("],");
      field(sb, "error", op.error());
      sb.setLength(sb.length() - 1);
      return sb.append('}').toString();
    }

    private static void field(StringBuilder sb, String name, @Nullable Object value) {
      string(sb, name);
      sb.append(':');
      if (value == null) {
        sb.append("null");
      } else if (value instanceof String s) {
        string(sb, s);
      } else {
        sb.append(value);
      }
      sb.append(',');
    }

    private static void string(StringBuilder sb, String s) {
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> {
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      sb.append('"');
    }
  }
}
