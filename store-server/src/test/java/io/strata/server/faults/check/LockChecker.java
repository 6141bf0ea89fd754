package io.strata.server.faults.check;

import io.strata.server.faults.history.Op;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Lock safety as far as leases are honored: when the Lock service says a client holds a lock, at
 * the revision of that answer the client's key exists and is the oldest (lowest create revision)
 * key under the lock's prefix, so no other client held the lock at that revision. A holder whose
 * lease expired while it believed it held the lock is not a violation: its key is gone from the
 * history by then, which is exactly etcd's contract (and why Jepsen calls such locks unsafe for
 * mutual exclusion in real time).
 */
public final class LockChecker {
  public static final String NAME = "lock";

  public void check(List<Op> history, GroundTruth truth, Report report) {
    for (Op op : history) {
      if (op.type() != Op.Type.LOCK || op.outcome() != Op.Outcome.OK || op.result() == null) {
        continue;
      }
      report.stat("lock.grants", 1);
      String prefix = op.key() + "/";
      SortedMap<String, GroundTruth.KeyState> held = truth.prefixAt(prefix, op.revision());
      GroundTruth.KeyState mine = held.get(op.result());
      if (mine == null) {
        report.violation(
            NAME,
            "granted "
                + op.result()
                + " but the key did not exist at revision "
                + op.revision()
                + ": "
                + op.describe());
        continue;
      }
      for (Map.Entry<String, GroundTruth.KeyState> other : held.entrySet()) {
        if (other.getValue().createRevision() < mine.createRevision()) {
          report.violation(
              NAME,
              "two holders: "
                  + op.result()
                  + " granted at revision "
                  + op.revision()
                  + " while older key "
                  + other.getKey()
                  + " (created at "
                  + other.getValue().createRevision()
                  + ") still held the lock: "
                  + op.describe());
        }
      }
    }
  }
}
