package io.strata.server.faults.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.faults.history.Op;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The search with its reductions agrees with brute force (every order of every subset of the
 * indeterminate operations that respects real time) on thousands of small random histories, both
 * linearizable and not.
 */
class LinearizabilityCheckerCrossTest {
  private static final String[] VALUES = {"a", "b", "c"};

  @Test
  void agreesWithBruteForceOnRandomHistories() {
    Random random = new Random(42);
    int violations = 0;
    for (int round = 0; round < 4000; round++) {
      List<Op> ops = randomHistory(random);
      boolean expected = bruteForce(ops);
      Report r = new Report();
      new LinearizabilityChecker().check(ops, r);
      assertThat(r.violationCount() == 0).as("round %d: %s", round, ops).isEqualTo(expected);
      if (!expected) {
        violations++;
      }
    }
    // Both verdicts were exercised.
    assertThat(violations).isBetween(400, 3600);
  }

  private static List<Op> randomHistory(Random random) {
    int n = 2 + random.nextInt(5);
    HistoryBuilder h = new HistoryBuilder();
    for (int i = 0; i < n; i++) {
      long from = random.nextInt(20);
      long to = from + 1 + random.nextInt(8);
      boolean unknown = random.nextInt(4) == 0;
      String v = VALUES[random.nextInt(VALUES.length)];
      switch (random.nextInt(4)) {
        case 3 -> {
          if (unknown) {
            h.deleteUnknown(i, "k", from);
          } else {
            h.delete(i, "k", random.nextBoolean(), from, to, 1);
          }
        }
        case 0 -> h.read(i, "k", random.nextInt(4) == 0 ? null : v, from, to, 1);
        case 1 -> {
          if (unknown) {
            h.writeUnknown(i, "k", v, from);
          } else {
            h.write(i, "k", v, from, to, 1);
          }
        }
        default -> {
          String expected = random.nextInt(4) == 0 ? null : VALUES[random.nextInt(VALUES.length)];
          if (unknown) {
            h.casUnknown(i, "k", expected, v, from);
          } else {
            h.cas(i, "k", expected, v, random.nextBoolean(), from, to, 1);
          }
        }
      }
    }
    return h.build();
  }

  private static boolean bruteForce(List<Op> ops) {
    return search(ops, new boolean[ops.size()], null, 0);
  }

  /** Tries every next operation that no unplaced determinate operation must precede. */
  private static boolean search(List<Op> ops, boolean[] placed, @Nullable String state, int depth) {
    boolean allDeterminatePlaced = true;
    for (int i = 0; i < ops.size(); i++) {
      if (!placed[i] && !ops.get(i).indeterminate()) {
        allDeterminatePlaced = false;
      }
    }
    if (allDeterminatePlaced) {
      return true;
    }
    for (int i = 0; i < ops.size(); i++) {
      if (placed[i] || !minimal(ops, placed, i)) {
        continue;
      }
      Op op = ops.get(i);
      String next = state;
      boolean ok;
      switch (op.type()) {
        case READ -> ok = Objects.equals(state, op.result());
        case WRITE -> {
          ok = true;
          next = op.value();
        }
        case DELETE -> {
          ok = op.indeterminate() || (state != null) == op.succeeded();
          next = null;
        }
        default -> {
          boolean matches = Objects.equals(state, op.expected());
          if (op.indeterminate()) {
            ok = true;
            next = matches ? op.value() : state;
          } else {
            ok = op.succeeded() == matches;
            next = op.succeeded() ? op.value() : state;
          }
        }
      }
      if (ok) {
        placed[i] = true;
        boolean found = search(ops, placed, next, depth + 1);
        placed[i] = false;
        if (found) {
          return true;
        }
      }
    }
    return false;
  }

  /** No unplaced operation completed before {@code i} was invoked. */
  private static boolean minimal(List<Op> ops, boolean[] placed, int i) {
    for (int j = 0; j < ops.size(); j++) {
      Op o = ops.get(j);
      if (j != i
          && !placed[j]
          && !o.indeterminate()
          && o.completeNanos() < ops.get(i).invokeNanos()) {
        return false;
      }
    }
    return true;
  }
}
