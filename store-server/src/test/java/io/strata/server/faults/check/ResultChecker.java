package io.strata.server.faults.check;

import io.strata.server.faults.history.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/**
 * Every acknowledged result agrees with the committed history at the revision the reply reports.
 * Because etcd's revisions totally order the writes, this checks each reply against the one state
 * it claims to reflect:
 *
 * <ul>
 *   <li>no acknowledged write lost: an acknowledged put (WRITE, SET_ADD, successful CAS or txn) is
 *       in the history as a put of that key and value at exactly the reply's revision, an
 *       acknowledged delete that deleted something as a delete at its revision (one that deleted
 *       nothing: the key was absent there);
 *   <li>a conditional write's compare held (succeeded) or failed (not succeeded) against the state
 *       right before (or at) that revision;
 *   <li>a READ returned the key's value at its revision; a SET_READ or LIST returned exactly the
 *       live keys of its prefix at its revision (a LIST: the first {@code limit} of them at the
 *       revision it asked for);
 *   <li>no phantom write: every put in the history carries a value some client tried to write to
 *       that key (keys under {@code ignoredPrefixes}, written by the server itself, are skipped);
 *   <li>no error is grpc-java's answer to an exception escaping a service (the requests are
 *       well-formed, so every error must be one of etcd's).
 * </ul>
 */
public final class ResultChecker {
  public static final String LOST = "lost-write";
  public static final String STALE = "result-vs-history";
  public static final String PHANTOM = "phantom-write";
  public static final String ESCAPED = "escaped-exception";

  /** What grpc-java answers when an exception escapes a service method. */
  static final String ESCAPED_TEXT = "Application error processing RPC";

  private final List<String> ignoredPrefixes;

  public ResultChecker(List<String> ignoredPrefixes) {
    this.ignoredPrefixes = List.copyOf(ignoredPrefixes);
  }

  public void check(List<Op> history, GroundTruth truth, Report report) {
    Set<String> attempted = new HashSet<>();
    for (Op op : history) {
      if (op.value() != null && op.mayHaveWritten()) {
        attempted.add(op.key() + "=" + op.value());
      }
      if (op.error() != null && op.error().contains(ESCAPED_TEXT)) {
        // The harness sends only well-formed requests: every error must be etcd's own.
        report.violation(ESCAPED, "an exception escaped the server: " + op.describe());
      }
      if (op.outcome() != Op.Outcome.OK) {
        continue;
      }
      report.stat("result.checked-ops", 1);
      switch (op.type()) {
        case WRITE, SET_ADD -> checkPut(op, truth, report);
        case DELETE -> {
          boolean deletedThere =
              truth.events().stream()
                  .anyMatch(
                      e -> e.delete() && e.revision() == op.revision() && e.key().equals(op.key()));
          boolean existedAt = truth.stateAt(op.key(), op.revision()).isPresent();
          if (op.succeeded() ? !deletedThere : existedAt) {
            report.violation(
                op.succeeded() ? LOST : STALE,
                (op.succeeded()
                        ? "acknowledged delete missing from the history at revision "
                        : "deleted nothing though the key existed at revision ")
                    + op.revision()
                    + ": "
                    + op.describe());
          }
        }
        case CAS -> checkConditional(op, truth, report, casHeld(op, truth));
        case TXN_CREATE, TXN_UPDATE -> checkConditional(op, truth, report, txnHeld(op, truth));
        case READ -> {
          String actual =
              truth.stateAt(op.key(), op.revision()).map(GroundTruth.KeyState::value).orElse(null);
          if (!Objects.equals(actual, op.result())) {
            report.violation(
                STALE,
                "read returned "
                    + op.result()
                    + " but the value at revision "
                    + op.revision()
                    + " was "
                    + actual
                    + ": "
                    + op.describe());
          }
        }
        case SET_READ -> {
          List<String> expected = new ArrayList<>(truth.prefixAt(op.key(), op.revision()).keySet());
          if (!expected.equals(op.values())) {
            report.violation(
                STALE,
                "set read at revision "
                    + op.revision()
                    + " returned "
                    + diff(expected, op.values())
                    + ": "
                    + op.describe());
          }
        }
        case LIST -> {
          long at = Long.parseLong(Objects.requireNonNull(op.expected()));
          int limit = Integer.parseInt(Objects.requireNonNull(op.value()));
          List<String> expected = new ArrayList<>();
          for (Map.Entry<String, GroundTruth.KeyState> e :
              truth.prefixAt(op.key(), at).entrySet()) {
            if (limit > 0 && expected.size() == limit) {
              break;
            }
            expected.add(
                e.getKey() + "=" + e.getValue().value() + "@" + e.getValue().modRevision());
          }
          if (!expected.equals(op.values())) {
            report.violation(
                STALE,
                "list at revision "
                    + at
                    + " returned "
                    + diff(expected, op.values())
                    + ": "
                    + op.describe());
          }
        }
        default -> {}
      }
    }
    for (Event e : truth.events()) {
      if (e.delete() || ignoredPrefixes.stream().anyMatch(p -> e.key().startsWith(p))) {
        continue;
      }
      if (!attempted.contains(e.key() + "=" + e.value())) {
        report.violation(PHANTOM, "nobody wrote " + e);
      }
    }
  }

  private static void checkPut(Op op, GroundTruth truth, Report report) {
    Optional<Event> put = truth.putAt(op.key(), op.revision());
    if (put.isEmpty() || !Objects.equals(put.get().value(), op.value())) {
      report.violation(
          LOST,
          "acknowledged at revision "
              + op.revision()
              + " but the history has "
              + put.map(Event::toString).orElse("no put of the key there")
              + ": "
              + op.describe());
    }
  }

  private static void checkConditional(Op op, GroundTruth truth, Report report, boolean held) {
    if (op.succeeded()) {
      checkPut(op, truth, report);
      if (!held) {
        report.violation(
            STALE,
            "succeeded though its compare failed at revision "
                + (op.revision() - 1)
                + ": "
                + op.describe());
      }
    } else if (held) {
      report.violation(
          STALE,
          "failed though its compare held at revision " + op.revision() + ": " + op.describe());
    }
  }

  /** Whether a CAS's compare (value == expected) held where the history says it was evaluated. */
  private static boolean casHeld(Op op, GroundTruth truth) {
    long at = op.succeeded() ? op.revision() - 1 : op.revision();
    String value = truth.stateAt(op.key(), at).map(GroundTruth.KeyState::value).orElse(null);
    return Objects.equals(value, op.expected());
  }

  /** Whether a txn's compare (mod_revision == expected, 0 for create) held. */
  private static boolean txnHeld(Op op, GroundTruth truth) {
    long at = op.succeeded() ? op.revision() - 1 : op.revision();
    long mod = truth.stateAt(op.key(), at).map(GroundTruth.KeyState::modRevision).orElse(0L);
    long expected =
        op.type() == Op.Type.TXN_CREATE ? 0 : Long.parseLong(Objects.requireNonNull(op.expected()));
    return mod == expected;
  }

  private static String diff(List<String> expected, List<String> actual) {
    List<String> missing = new ArrayList<>(expected);
    missing.removeAll(actual);
    List<String> extra = new ArrayList<>(actual);
    extra.removeAll(expected);
    return actual.size() + " entries (missing " + cap(missing) + ", unexpected " + cap(extra) + ")";
  }

  private static String cap(List<String> l) {
    return l.size() <= 5 ? l.toString() : l.subList(0, 5) + "... (" + l.size() + ")";
  }

  /** The final-state check of the append-only set (used on the final read). */
  public static void checkSetFinal(
      List<Op> history,
      String prefix,
      SortedMap<String, GroundTruth.KeyState> finalState,
      Report report) {
    for (Op op : history) {
      if (op.type() == Op.Type.SET_ADD
          && op.key().startsWith(prefix)
          && op.outcome() == Op.Outcome.OK
          && !finalState.containsKey(op.key())) {
        report.violation(LOST, "acknowledged set element missing at the end: " + op.describe());
      }
    }
  }
}
