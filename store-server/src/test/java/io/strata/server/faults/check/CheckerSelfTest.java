package io.strata.server.faults.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.faults.check.MemberApplyChecker.Observation;
import io.strata.server.faults.check.WatchChecker.WatchLog;
import io.strata.server.faults.history.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A checker that cannot fail proves nothing: each checker gets known-bad histories (a stale read, a
 * lost write, a duplicated and a skipped watch event, a revision going backwards, two lock holders,
 * a member whose Raft server stopped or that stopped applying) and must report them, and known-good
 * ones that must pass.
 */
class CheckerSelfTest {

  private static Report linearizability(HistoryBuilder h) {
    Report r = new Report();
    new LinearizabilityChecker().check(h.build(), r);
    return r;
  }

  @Nested
  class Linearizability {
    @Test
    void sequentialRegister_passes() {
      Report r =
          linearizability(
              new HistoryBuilder()
                  .read(1, "k", null, 0, 1, 1)
                  .write(1, "k", "a", 2, 3, 2)
                  .read(2, "k", "a", 4, 5, 2)
                  .cas(1, "k", "a", "b", true, 6, 7, 3)
                  .cas(2, "k", "a", "c", false, 8, 9, 3)
                  .read(1, "k", "b", 10, 11, 3));
      assertThat(r.violationCount()).isZero();
      assertThat(r.stats()).containsEntry("linearizability.ops", 6L);
    }

    @Test
    void concurrentReadsMaySeeEitherSide_passes() {
      // The write spans both reads: one sees the old value, the later one the new.
      Report r =
          linearizability(
              new HistoryBuilder()
                  .write(1, "k", "a", 0, 100, 2)
                  .read(2, "k", null, 10, 20, 1)
                  .read(3, "k", "a", 30, 40, 2)
                  .read(2, "k", "a", 50, 60, 2));
      assertThat(r.violationCount()).isZero();
    }

    @Test
    void unknownWriteMayTakeEffectLateOrNever_passes() {
      Report seen =
          linearizability(
              new HistoryBuilder()
                  .writeUnknown(1, "k", "x", 0)
                  .read(2, "k", null, 5, 6, 1)
                  .read(2, "k", "x", 10, 11, 2)
                  .read(3, "k", "x", 12, 13, 2));
      Report never =
          linearizability(
              new HistoryBuilder().writeUnknown(1, "k", "x", 0).read(2, "k", null, 50, 60, 1));
      Report unknownCas =
          linearizability(
              new HistoryBuilder()
                  .write(1, "k", "a", 0, 1, 2)
                  .casUnknown(2, "k", "a", "b", 2)
                  .read(1, "k", "a", 3, 4, 2)
                  .read(1, "k", "b", 5, 6, 3));
      assertThat(seen.violationCount()).isZero();
      assertThat(never.violationCount()).isZero();
      assertThat(unknownCas.violationCount()).isZero();
    }

    @Test
    void staleRead_isCaught() {
      Report r =
          linearizability(
              new HistoryBuilder()
                  .write(1, "k", "a", 0, 1, 2)
                  .write(1, "k", "b", 2, 3, 3)
                  .read(2, "k", "a", 4, 5, 3));
      assertThat(r.violations(LinearizabilityChecker.NAME))
          .singleElement()
          .asString()
          .contains("key k: not linearizable");
    }

    @Test
    void lostWrite_isCaught() {
      // An acknowledged write that a later read does not see.
      Report r =
          linearizability(
              new HistoryBuilder().write(1, "k", "a", 0, 1, 2).read(2, "k", null, 2, 3, 2));
      assertThat(r.violationCount(LinearizabilityChecker.NAME)).isEqualTo(1);
    }

    @Test
    void readOfAValueNobodyWrote_isCaught() {
      Report r = linearizability(new HistoryBuilder().read(2, "k", "ghost", 2, 3, 2));
      assertThat(r.violationCount(LinearizabilityChecker.NAME)).isEqualTo(1);
    }

    @Test
    void casThatSucceededAgainstTheWrongValue_isCaught() {
      Report r =
          linearizability(
              new HistoryBuilder()
                  .write(1, "k", "a", 0, 1, 2)
                  .cas(2, "k", "z", "c", true, 2, 3, 3));
      assertThat(r.violationCount(LinearizabilityChecker.NAME)).isEqualTo(1);
    }

    @Test
    void valueComingBackAfterAnUnknownWriteWasSeen_isCaught() {
      Report r =
          linearizability(
              new HistoryBuilder()
                  .write(1, "k", "a", 0, 1, 2)
                  .writeUnknown(2, "k", "b", 2)
                  .read(3, "k", "b", 3, 4, 3)
                  .read(3, "k", "a", 5, 6, 3));
      assertThat(r.violationCount(LinearizabilityChecker.NAME)).isEqualTo(1);
    }

    @Test
    void deletes_pass() {
      Report r =
          linearizability(
              new HistoryBuilder()
                  .write(1, "k", "a", 0, 1, 2)
                  .delete(1, "k", true, 2, 3, 3)
                  .read(2, "k", null, 4, 5, 3)
                  .delete(2, "k", false, 6, 7, 3)
                  .cas(1, "k", null, "b", true, 8, 9, 4));
      assertThat(r.violationCount()).isZero();
    }

    @Test
    void readOfADeletedValue_isCaught() {
      Report r =
          linearizability(
              new HistoryBuilder()
                  .write(1, "k", "a", 0, 1, 2)
                  .delete(1, "k", true, 2, 3, 3)
                  .read(2, "k", "a", 4, 5, 3));
      assertThat(r.violationCount(LinearizabilityChecker.NAME)).isEqualTo(1);
    }

    @Test
    void keysAreCheckedIndependently() {
      Report r =
          linearizability(
              new HistoryBuilder()
                  .write(1, "k1", "a", 0, 1, 2)
                  .write(1, "k2", "b", 2, 3, 3)
                  .read(2, "k1", "a", 4, 5, 3)
                  .read(2, "k2", null, 6, 7, 3));
      assertThat(r.violations(LinearizabilityChecker.NAME))
          .singleElement()
          .asString()
          .startsWith("key k2");
    }

    @Test
    void manyConcurrentUnknownWrites_stayWithinBudget() {
      HistoryBuilder h = new HistoryBuilder();
      for (int i = 0; i < 12; i++) {
        h.writeUnknown(i, "k", "v" + i, i);
      }
      for (int i = 0; i < 12; i++) {
        h.read(20, "k", "v" + i, 100 + 2 * i, 101 + 2 * i, 2 + i);
      }
      Report r = linearizability(h);
      assertThat(r.violationCount()).isZero();
      assertThat(r.stats()).doesNotContainKey("linearizability.inconclusive-keys");
    }
  }

  @Test
  void manyTimeoutsOnOneKey_stayConclusive() {
    HistoryBuilder h = new HistoryBuilder();
    for (int i = 0; i < 30; i++) {
      h.writeUnknown(i, "k", "v" + i, i);
      h.casUnknown(100 + i, "k", "v" + (i + 1), "w" + i, i);
    }
    for (int i = 0; i < 10; i++) {
      h.read(200, "k", "v" + (3 * i), 1000 + 10 * i, 1005 + 10 * i, 2 + i);
      h.cas(201, "k", "nope", "x" + i, false, 1001 + 10 * i, 1004 + 10 * i, 2 + i);
    }
    Report r = linearizability(h);
    assertThat(r.violationCount()).isZero();
    assertThat(r.stats()).doesNotContainKey("linearizability.inconclusive-keys");
  }

  @Test
  void staleReadAmongManyTimeouts_isCaught() {
    HistoryBuilder h = new HistoryBuilder().write(1, "k", "old", 0, 1, 2);
    for (int i = 0; i < 30; i++) {
      h.writeUnknown(10 + i, "k", "v" + i, 2 + i);
    }
    h.write(1, "k", "new", 100, 101, 40)
        .read(2, "k", "v7", 102, 103, 40)
        .read(2, "k", "old", 104, 105, 40);
    Report r = linearizability(h);
    assertThat(r.violationCount(LinearizabilityChecker.NAME)).isEqualTo(1);
  }

  @Nested
  class Revisions {
    private Report check(HistoryBuilder h) {
      Report r = new Report();
      new RevisionChecker().check(h.build(), r);
      return r;
    }

    @Test
    void revisionGoingBackwardsForOneClient_isCaught() {
      Report r = check(new HistoryBuilder().read(1, "a", "x", 0, 1, 10).read(1, "b", "y", 2, 3, 9));
      assertThat(r.violations(RevisionChecker.NAME))
          .isNotEmpty()
          .first()
          .asString()
          .contains("client 1");
    }

    @Test
    void revisionGoingBackwardsInRealTime_isCaught() {
      Report r =
          check(new HistoryBuilder().write(1, "a", "x", 0, 5, 10).read(2, "a", "x", 6, 7, 8));
      assertThat(r.violationCount(RevisionChecker.NAME)).isEqualTo(1);
    }

    @Test
    void concurrentOperationsMayReportEitherOrder_passes() {
      Report r =
          check(
              new HistoryBuilder()
                  .write(1, "a", "x", 0, 10, 10)
                  .read(2, "a", null, 1, 9, 8)
                  .read(2, "a", "x", 11, 12, 10));
      assertThat(r.violationCount()).isZero();
    }
  }

  @Nested
  class Results {
    private final GroundTruth truth =
        new GroundTruth(
            List.of(
                Event.put(2, "k", "a", 2),
                Event.put(3, "k", "b", 2),
                Event.put(4, "set/e1", "e1", 4),
                Event.delete(5, "k")),
            5);

    private Report check(HistoryBuilder h) {
      Report r = new Report();
      new ResultChecker(List.of()).check(h.build(), truth, r);
      return r;
    }

    private HistoryBuilder writers() {
      return new HistoryBuilder()
          .write(1, "k", "a", 0, 1, 2)
          .write(1, "k", "b", 2, 3, 3)
          .add(1, Op.Type.SET_ADD, "set/e1", "e1", null, 4, 5, Op.Outcome.OK, null, false, 4)
          .add(1, Op.Type.WRITE, "k", "deleter", null, 6, 7, Op.Outcome.FAILED, null, false, 0);
    }

    @Test
    void resultsMatchingTheHistory_pass() {
      Report r =
          check(
              writers()
                  .read(2, "k", "a", 1, 2, 2)
                  .read(2, "k", "b", 3, 4, 4)
                  .read(2, "k", null, 8, 9, 5)
                  .delete(4, "k", true, 6, 7, 5)
                  .delete(4, "k", false, 8, 9, 5)
                  .cas(3, "k", "b", "c", false, 8, 9, 5));
      assertThat(r.violationCount()).as(r.toString()).isZero();
    }

    @Test
    void acknowledgedWriteMissingFromTheHistory_isCaught() {
      Report r = check(writers().write(2, "k", "lost", 8, 9, 6));
      assertThat(r.violationCount(ResultChecker.LOST)).isEqualTo(1);
    }

    @Test
    void acknowledgedDeleteMissingFromTheHistory_isCaught() {
      Report r = check(writers().delete(2, "k", true, 3, 4, 4));
      assertThat(r.violationCount(ResultChecker.LOST)).isEqualTo(1);
    }

    @Test
    void staleReadWithACurrentRevision_isCaught() {
      Report r = check(writers().read(2, "k", "a", 3, 4, 3));
      assertThat(r.violations(ResultChecker.STALE)).singleElement().asString().contains("was b");
    }

    @Test
    void casThatFailedThoughItsCompareHeld_isCaught() {
      Report r = check(writers().cas(2, "k", "b", "c", false, 3, 4, 3));
      assertThat(r.violationCount(ResultChecker.STALE)).isEqualTo(1);
    }

    @Test
    void exceptionEscapingTheServer_isCaught() {
      List<Op> ops = new ArrayList<>(writers().build());
      ops.add(
          new Op(
              99,
              2,
              "m1",
              Op.Type.WRITE,
              "k",
              "y",
              null,
              8,
              9,
              Op.Outcome.UNKNOWN,
              null,
              false,
              0,
              List.of(),
              "UNKNOWN: " + ResultChecker.ESCAPED_TEXT));
      Report r = new Report();
      new ResultChecker(List.of()).check(ops, truth, r);
      assertThat(r.violationCount(ResultChecker.ESCAPED)).isEqualTo(1);
      assertThat(check(writers()).violationCount(ResultChecker.ESCAPED)).isZero();
    }

    @Test
    void putNobodyIssued_isCaught() {
      Report r = check(new HistoryBuilder().write(1, "k", "a", 0, 1, 2));
      assertThat(r.violations(ResultChecker.PHANTOM))
          .extracting(Object::toString)
          .anyMatch(v -> v.contains("k=b"));
    }
  }

  @Nested
  class Watches {
    private final List<Event> committed =
        List.of(
            Event.put(2, "w/a", "1", 2),
            Event.put(3, "other", "x", 3),
            Event.put(4, "w/b", "2", 4),
            Event.delete(5, "w/a"),
            Event.put(6, "w/c", "3", 6));
    private final GroundTruth truth = new GroundTruth(committed, 6);

    private Report check(List<Event> received) {
      Report r = new Report();
      new WatchChecker().check(List.of(new WatchLog("w1", "m1", "w/", 2, received, 1)), truth, r);
      return r;
    }

    private List<Event> exact() {
      return new ArrayList<>(truth.eventsFor("w/", 2));
    }

    @Test
    void exactlyTheCommittedEvents_pass() {
      assertThat(check(exact()).violationCount()).isZero();
    }

    @Test
    void duplicatedEvent_isCaught() {
      List<Event> got = exact();
      got.add(2, got.get(1));
      assertThat(check(got).violations(WatchChecker.NAME))
          .singleElement()
          .asString()
          .contains("duplicated event");
    }

    @Test
    void duplicatedLastEvent_isCaught() {
      List<Event> got = exact();
      got.add(got.get(got.size() - 1));
      assertThat(check(got).violations(WatchChecker.NAME))
          .singleElement()
          .asString()
          .contains("duplicated event at the end");
    }

    @Test
    void eventBeyondTheCommittedHistory_isCaught() {
      List<Event> got = exact();
      got.add(Event.put(7, "w/d", "4", 7));
      assertThat(check(got).violations(WatchChecker.NAME))
          .singleElement()
          .asString()
          .contains("beyond the committed history");
    }

    @Test
    void skippedEvent_isCaught() {
      List<Event> got = exact();
      got.remove(1);
      assertThat(check(got).violations(WatchChecker.NAME))
          .singleElement()
          .asString()
          .contains("skipped event");
    }

    @Test
    void eventsOutOfOrder_areCaught() {
      List<Event> got = exact();
      Event e = got.remove(1);
      got.add(2, e);
      assertThat(check(got).violations(WatchChecker.NAME))
          .singleElement()
          .asString()
          .contains("out of order");
    }

    @Test
    void watcherThatStoppedEarly_isCaught() {
      List<Event> got = exact();
      got.remove(got.size() - 1);
      assertThat(check(got).violations(WatchChecker.NAME))
          .singleElement()
          .asString()
          .contains("missing 1");
    }
  }

  @Nested
  class Locks {
    private Report check(GroundTruth truth, HistoryBuilder h) {
      Report r = new Report();
      new LockChecker().check(h.build(), truth, r);
      return r;
    }

    @Test
    void grantAfterThePreviousHolderLeft_passes() {
      GroundTruth truth =
          new GroundTruth(
              List.of(
                  Event.put(2, "L/1", "", 2), Event.put(3, "L/2", "", 3), Event.delete(4, "L/1")),
              4);
      Report r =
          check(
              truth,
              new HistoryBuilder().lock(1, "L", "L/1", 0, 1, 2).lock(2, "L", "L/2", 1, 5, 4));
      assertThat(r.violationCount()).isZero();
    }

    @Test
    void twoHolders_areCaught() {
      GroundTruth truth =
          new GroundTruth(List.of(Event.put(2, "L/1", "", 2), Event.put(3, "L/2", "", 3)), 3);
      Report r =
          check(
              truth,
              new HistoryBuilder().lock(1, "L", "L/1", 0, 1, 2).lock(2, "L", "L/2", 1, 5, 3));
      assertThat(r.violations(LockChecker.NAME)).singleElement().asString().contains("two holders");
    }
  }

  @Nested
  class History {
    @Test
    void revisionGap_isCaught() {
      Report r = new Report();
      new GroundTruth(List.of(Event.put(2, "a", "1", 2), Event.put(4, "a", "2", 2)), 4).check(r);
      assertThat(r.violations("ground-truth"))
          .singleElement()
          .asString()
          .contains("revisions 3..3");
    }

    @Test
    void revisionGoingBackwards_isCaught() {
      Report r = new Report();
      new GroundTruth(
              List.of(
                  Event.put(2, "a", "1", 2), Event.put(3, "a", "2", 2), Event.put(2, "b", "1", 2)),
              3)
          .check(r);
      assertThat(r.violations("ground-truth")).singleElement().asString().contains("backwards");
    }
  }

  @Nested
  class MemberApply {
    private static final long SECOND = 1_000_000_000L;
    private final MemberApplyChecker checker = new MemberApplyChecker(Duration.ofSeconds(45));

    private List<String> round(Report r, long leaderCommit, long atSecond, Observation... members) {
      return checker.check(List.of(members), leaderCommit, atSecond * SECOND, r);
    }

    @Test
    void membersThatApply_pass() {
      Report r = new Report();
      round(r, 100, 0, new Observation("m1", true, 90), new Observation("m2", true, 100));
      round(r, 200, 50, new Observation("m1", true, 150), new Observation("m2", true, 200));
      round(r, 300, 100, new Observation("m1", true, 300), new Observation("m2", true, 300));
      assertThat(r.violationCount()).isZero();
    }

    @Test
    void idleMemberWithNothingToApply_passes() {
      Report r = new Report();
      round(r, 100, 0, new Observation("m1", true, 100));
      round(r, 100, 100, new Observation("m1", true, 100));
      assertThat(r.violationCount()).isZero();
    }

    @Test
    void raftServerNotRunning_isCaught() {
      Report r = new Report();
      List<String> found = round(r, 100, 0, new Observation("m4", false, 40));
      assertThat(r.violationCount("raft-not-running")).isEqualTo(1);
      assertThat(found).singleElement().asString().contains("m4");
    }

    @Test
    void memberThatStopsApplyingWhileBehind_isCaught() {
      Report r = new Report();
      round(r, 100, 0, new Observation("m1", true, 100), new Observation("m3", true, 60));
      round(r, 150, 30, new Observation("m1", true, 150), new Observation("m3", true, 60));
      assertThat(r.violationCount()).as("30 s is within the allowance").isZero();
      round(r, 200, 50, new Observation("m1", true, 200), new Observation("m3", true, 60));
      assertThat(r.violationCount()).isEqualTo(1);
      assertThat(r.violations("stalled-member")).singleElement().asString().contains("m3");
    }
  }
}
