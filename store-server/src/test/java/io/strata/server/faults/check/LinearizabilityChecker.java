package io.strata.server.faults.check;

import io.strata.server.faults.history.Op;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Linearizability of single-key registers (READ, WRITE, CAS, DELETE), checked per key: a key's
 * operations touch no other key, so the whole history is linearizable iff every key's is
 * (locality). Each key is searched with the Wing-Gong algorithm as improved by Lowe: walk the
 * operations in real-time order, tentatively linearize a pending call whose effect the register
 * model accepts, backtrack when a return is reached that was not linearized, and never revisit a
 * (set of linearized operations, register value) pair.
 *
 * <p>Indeterminate operations (timeouts, never completed) may have taken effect at any point after
 * their invocation, or not at all (the standard treatment: they return at infinity). So they have
 * no return entry: the search succeeds once every determinate operation is linearized, and an
 * indeterminate one is linearized only where its effect is needed. Failed reads and refused writes
 * took no effect and are dropped; reads whose outcome is unknown return nothing to check and are
 * dropped too.
 *
 * <p>Two reductions keep keys with many timeouts tractable without changing the verdict: values
 * that no read returned and no CAS expected are indistinguishable to every check, so they collapse
 * into one; an indeterminate operation that would not change the value is never linearized (it
 * would affect nothing after it); and an indeterminate write never directly follows another
 * indeterminate operation, whose effect it would hide (any linearization has an equivalent one
 * without the hidden operation, so the search loses nothing by skipping these).
 */
public final class LinearizabilityChecker {
  public static final String NAME = "linearizability";

  /** Search steps per key before the key is reported inconclusive rather than checked. */
  private final long budget;

  public LinearizabilityChecker(long budget) {
    this.budget = budget;
  }

  public LinearizabilityChecker() {
    this(5_000_000);
  }

  public void check(List<Op> history, Report report) {
    Map<String, List<Op>> byKey = new TreeMap<>();
    for (Op op : history) {
      if (relevant(op)) {
        byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
      }
    }
    for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
      report.stat("linearizability.keys", 1);
      report.stat("linearizability.ops", e.getValue().size());
      Result r = checkKey(e.getValue());
      if (r.inconclusive) {
        report.stat("linearizability.inconclusive-keys", 1);
      } else if (!r.ok) {
        report.violation(NAME, "key " + e.getKey() + ": " + r.message);
      }
    }
  }

  private static boolean relevant(Op op) {
    return switch (op.type()) {
      case READ -> op.outcome() == Op.Outcome.OK;
      case WRITE, CAS, DELETE -> op.outcome() != Op.Outcome.FAILED;
      default -> false;
    };
  }

  /** The outcome of one key's search. */
  record Result(boolean ok, boolean inconclusive, String message) {}

  /** A call or return in the doubly linked list of the search (Lowe's "entries"). */
  private static final class Entry {
    final int id;
    final @Nullable Op op; // null for returns
    @Nullable Entry match; // a call's return
    @Nullable Entry prev;
    @Nullable Entry next;

    Entry(int id, @Nullable Op op) {
      this.id = id;
      this.op = op;
    }
  }

  private record Frame(Entry call, @Nullable String state) {}

  private record CacheKey(BitSet linearized, @Nullable String state, boolean lastIndeterminate) {}

  Result checkKey(List<Op> original) {
    List<Op> ops = collapseUnobservedValues(original);
    record Timed(long time, boolean call, int id) {}
    List<Timed> times = new ArrayList<>();
    int determinate = 0;
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      times.add(new Timed(op.invokeNanos(), true, i));
      if (!op.indeterminate()) {
        times.add(new Timed(op.completeNanos(), false, i));
        determinate++;
      }
    }
    // At equal times calls come first: the operations are then concurrent, the permissive reading.
    times.sort(Comparator.comparingLong(Timed::time).thenComparing(t -> !t.call()));
    Entry head = new Entry(-1, null);
    Entry tail = head;
    Entry[] calls = new Entry[ops.size()];
    for (Timed t : times) {
      Entry e = new Entry(t.id(), t.call() ? ops.get(t.id()) : null);
      if (t.call()) {
        calls[t.id()] = e;
      } else {
        calls[t.id()].match = e;
      }
      e.prev = tail;
      tail.next = e;
      tail = e;
    }

    Set<CacheKey> cache = new HashSet<>();
    Deque<Frame> stack = new ArrayDeque<>();
    BitSet linearized = new BitSet(ops.size());
    String state = null;
    Entry entry = head.next;
    long steps = 0;
    int deepest = 0;
    Op stuckAt = null;
    int remaining = determinate;
    while (remaining > 0) {
      if (++steps > budget) {
        return new Result(false, true, "search budget of " + budget + " steps exhausted");
      }
      if (entry == null) {
        throw new IllegalStateException("walked past the last return with operations pending");
      }
      if (entry.op != null) {
        Step s = step(state, entry.op);
        boolean afterIndeterminate = !stack.isEmpty() && stack.peek().call.op.indeterminate();
        boolean useless =
            entry.op.indeterminate()
                && (Objects.equals(s.state, state)
                    || (afterIndeterminate && entry.op.type() == Op.Type.WRITE));
        if (s.ok && !useless) {
          BitSet next = (BitSet) linearized.clone();
          next.set(entry.id);
          if (cache.add(new CacheKey(next, s.state, entry.op.indeterminate()))) {
            stack.push(new Frame(entry, state));
            state = s.state;
            linearized.set(entry.id);
            if (!entry.op.indeterminate()) {
              remaining--;
            }
            lift(entry);
            entry = head.next;
            continue;
          }
        }
        entry = entry.next;
      } else {
        if (linearized.cardinality() >= deepest) {
          deepest = linearized.cardinality();
          stuckAt = ops.get(entry.id);
        }
        if (stack.isEmpty()) {
          return new Result(false, false, explain(ops, deepest, stuckAt));
        }
        Frame f = stack.pop();
        state = f.state;
        linearized.clear(f.call.id);
        if (!f.call.op.indeterminate()) {
          remaining++;
        }
        unlift(f.call);
        entry = f.call.next;
      }
    }
    return new Result(true, false, "linearizable");
  }

  private static String explain(List<Op> ops, int deepest, @Nullable Op stuckAt) {
    StringBuilder sb = new StringBuilder();
    sb.append("not linearizable (").append(ops.size()).append(" ops; at most ").append(deepest);
    sb.append(" linearized before ").append(stuckAt == null ? "?" : stuckAt.describe()).append(')');
    if (stuckAt != null) {
      // The operations overlapping the one that could not be placed, for the reader.
      for (Op op : ops) {
        boolean overlaps =
            op.invokeNanos() <= stuckAt.completeNanos()
                && (op.indeterminate()
                    || op.completeNanos() >= stuckAt.invokeNanos() - 1_000_000_000L);
        if (overlaps && op != stuckAt) {
          sb.append("\n        near: ").append(op.describe());
        }
      }
    }
    return sb.toString();
  }

  private record Step(boolean ok, @Nullable String state) {}

  /** The register model: the value, or {@code null} while the key does not exist. */
  private static Step step(@Nullable String state, Op op) {
    return switch (op.type()) {
      case READ -> new Step(Objects.equals(state, op.result()), state);
      case WRITE -> new Step(true, op.value());
      case DELETE -> new Step(op.indeterminate() || (state != null) == op.succeeded(), null);
      case CAS -> {
        boolean matches = Objects.equals(state, op.expected());
        if (op.indeterminate()) {
          yield new Step(true, matches ? op.value() : state);
        }
        yield op.succeeded() ? new Step(matches, op.value()) : new Step(!matches, state);
      }
      default -> throw new IllegalArgumentException("not a register operation: " + op.type());
    };
  }

  /**
   * Values that no READ returned and no CAS expected behave identically in every check; replacing
   * them all with one marker shrinks the search space without changing the verdict.
   */
  private static List<Op> collapseUnobservedValues(List<Op> ops) {
    Set<String> observed = new HashSet<>();
    for (Op op : ops) {
      if (op.type() == Op.Type.READ && op.result() != null) {
        observed.add(op.result());
      }
      if (op.type() == Op.Type.CAS && op.expected() != null) {
        observed.add(op.expected());
      }
    }
    List<Op> out = new ArrayList<>(ops.size());
    for (Op op : ops) {
      if (op.value() != null && !observed.contains(op.value())) {
        out.add(
            new Op(
                op.id(),
                op.client(),
                op.member(),
                op.type(),
                op.key(),
                UNOBSERVED,
                op.expected(),
                op.invokeNanos(),
                op.completeNanos(),
                op.outcome(),
                op.result(),
                op.succeeded(),
                op.revision(),
                op.values(),
                op.error()));
      } else {
        out.add(op);
      }
    }
    return out;
  }

  /**
   * The one value standing for every unobserved one (never a real value: the workload's are "c*").
   */
  private static final String UNOBSERVED = "\u0000unobserved";

  /** Removes a call and its return from the list (both keep their own links for unlift). */
  private static void lift(Entry call) {
    call.prev.next = call.next;
    if (call.next != null) {
      call.next.prev = call.prev;
    }
    Entry ret = call.match;
    if (ret == null) {
      return; // an indeterminate operation has no return entry
    }
    ret.prev.next = ret.next;
    if (ret.next != null) {
      ret.next.prev = ret.prev;
    }
  }

  /** Puts back what {@link #lift} removed, in reverse order. */
  private static void unlift(Entry call) {
    Entry ret = call.match;
    if (ret != null) {
      ret.prev.next = ret;
      if (ret.next != null) {
        ret.next.prev = ret;
      }
    }
    call.prev.next = call;
    if (call.next != null) {
      call.next.prev = call;
    }
  }
}
