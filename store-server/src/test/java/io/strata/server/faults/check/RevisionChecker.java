package io.strata.server.faults.check;

import io.strata.server.faults.history.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Revisions never go backwards: per client (each client issues one operation at a time), the header
 * revision of successive acknowledged operations never decreases; and in real time, an operation
 * invoked after another completed never reports a lower revision (what linearizable reads and
 * writes promise across clients and members).
 */
public final class RevisionChecker {
  public static final String NAME = "revision-monotonic";

  public void check(List<Op> history, Report report) {
    List<Op> acked = new ArrayList<>();
    for (Op op : history) {
      if (op.outcome() == Op.Outcome.OK && op.revision() > 0) {
        acked.add(op);
      }
    }
    Map<Integer, Op> lastPerClient = new HashMap<>();
    List<Op> byInvoke = new ArrayList<>(acked);
    byInvoke.sort(Comparator.comparingLong(Op::invokeNanos));
    for (Op op : byInvoke) {
      Op previous = lastPerClient.put(op.client(), op);
      if (previous != null && op.revision() < previous.revision()) {
        report.violation(
            NAME,
            "client "
                + op.client()
                + " saw revision "
                + op.revision()
                + " after "
                + previous.revision()
                + ": "
                + previous.describe()
                + " then "
                + op.describe());
      }
    }
    // Real time: sweep invocations in order, folding in every operation completed before each.
    List<Op> byComplete = new ArrayList<>(acked);
    byComplete.sort(Comparator.comparingLong(Op::completeNanos));
    int done = 0;
    Op highest = null;
    for (Op op : byInvoke) {
      while (done < byComplete.size() && byComplete.get(done).completeNanos() < op.invokeNanos()) {
        Op c = byComplete.get(done++);
        if (highest == null || c.revision() > highest.revision()) {
          highest = c;
        }
      }
      if (highest != null && op.revision() < highest.revision()) {
        report.violation(
            NAME,
            "revision "
                + op.revision()
                + " reported after revision "
                + highest.revision()
                + " had completed: "
                + highest.describe()
                + " then "
                + op.describe());
      }
    }
    report.stat("revision.checked-ops", acked.size());
  }
}
