package io.strata.bench.load;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.strata.api.etcdserverpb.HashKVRequest;
import io.strata.api.etcdserverpb.HashKVResponse;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.StatusRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code --check-hashkv}: whether the members of a cluster hold the same key-value history after a
 * run, the way etcd's corruption check compares members. The check asks every member for its
 * current revision (Status), takes the highest as the revision to hash, waits until every member
 * has applied that revision (its Status header revision reaches it), then asks each for HashKV at
 * that one revision. A hash covers the history above the member's compact revision, so hashes are
 * compared only between equal compact revisions: members that report different ones are asked again
 * (a compaction may still be on its way to one of them) until they agree or the check runs out of
 * time. Different hashes at one revision and one compact revision are a {@link Verdict#MISMATCH}; a
 * check that could not finish is {@link Verdict#FAILED}.
 */
final class HashKvCheck {
  /** How long the whole check may take: followers of a loaded cluster may lag after a run. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** Pause between two polls of a member that has not reached the revision yet. */
  private static final long POLL_MILLIS = 20;

  private static final StatusRequest STATUS = StatusRequest.getDefaultInstance();

  private HashKvCheck() {}

  /** A member to check, by name (for the report) and client endpoint ({@code host:port}). */
  record Member(String name, String endpoint) {}

  enum Verdict {
    /** Every member gave the same hash at the revision. */
    AGREE,
    /** Some members gave different hashes at the same revision and compact revision. */
    MISMATCH,
    /** The check did not finish: a member did not answer or reach the revision in time. */
    FAILED
  }

  /**
   * One member's answer.
   *
   * @param hash the HashKV hash, an unsigned 32-bit number
   */
  record MemberHash(String member, long hash, long compactRevision) {}

  /**
   * The check's result.
   *
   * @param revision the revision hashed (0 if the check failed before choosing one)
   * @param hashes each member's answer, in member order (fewer if the check failed)
   * @param reason why the check failed, or empty
   */
  record Outcome(Verdict verdict, long revision, List<MemberHash> hashes, String reason) {
    Outcome {
      hashes = List.copyOf(hashes);
    }

    /** What the check counts as an error of the run: a mismatch, or a check that failed. */
    Map<String, Long> errors() {
      return switch (verdict) {
        case AGREE -> Map.of();
        case MISMATCH -> Map.of("HASHKV_MISMATCH", 1L);
        case FAILED -> Map.of("HASHKV_FAILED", 1L);
      };
    }

    /** The members' hashes, {@code m1 123 / m2 123 / ...}, or {@code -} when there are none. */
    String hashText() {
      if (hashes.isEmpty()) {
        return "-";
      }
      StringBuilder b = new StringBuilder();
      for (MemberHash h : hashes) {
        b.append(b.length() > 0 ? " / " : "").append(h.member()).append(' ').append(h.hash());
      }
      return b.toString();
    }

    /** One line for a person: the verdict, the revision and every member's hash. */
    String summary() {
      String v =
          switch (verdict) {
            case AGREE -> hashes.size() == 1 ? "agree (one member, nothing to compare)" : "agree";
            case MISMATCH -> "MISMATCH";
            case FAILED -> "FAILED: " + reason;
          };
      return String.format(
          Locale.ROOT, "HashKV at revision %d: %s; hashes %s", revision, v, hashText());
    }
  }

  /**
   * Checks the members, taking at most {@code timeout} in all, plus the time of the request under
   * way when it ran out.
   *
   * @param requestTimeout the deadline of each Status and HashKV request
   */
  static Outcome run(List<Member> members, Duration timeout, Duration requestTimeout)
      throws InterruptedException {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("no member to check");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ManagedChannel> channels = new ArrayList<>();
    long revision = 0;
    try {
      List<MaintenanceGrpc.MaintenanceBlockingStub> stubs = new ArrayList<>();
      for (Member m : members) {
        ManagedChannel c = ManagedChannelBuilder.forTarget(m.endpoint()).usePlaintext().build();
        channels.add(c);
        stubs.add(MaintenanceGrpc.newBlockingStub(c));
      }
      Caller call = new Caller(deadline, requestTimeout);
      for (int i = 0; i < members.size(); i++) {
        revision =
            Math.max(
                revision,
                call.retrying(members.get(i), stubs.get(i), s -> s.status(STATUS))
                    .getHeader()
                    .getRevision());
      }
      for (int i = 0; i < members.size(); i++) {
        awaitRevision(call, members.get(i), stubs.get(i), revision);
      }
      HashKVRequest request = HashKVRequest.newBuilder().setRevision(revision).build();
      while (true) {
        List<MemberHash> hashes = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
          HashKVResponse r = call.retrying(members.get(i), stubs.get(i), s -> s.hashKV(request));
          hashes.add(
              new MemberHash(
                  members.get(i).name(),
                  Integer.toUnsignedLong(r.getHash()),
                  r.getCompactRevision()));
        }
        if (hashes.stream().map(MemberHash::compactRevision).distinct().count() > 1) {
          if (System.nanoTime() - deadline >= 0) {
            return new Outcome(
                Verdict.FAILED, revision, hashes, "the members' compact revisions differ");
          }
          TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // a compaction is still being applied
          continue;
        }
        boolean agree = hashes.stream().map(MemberHash::hash).distinct().count() == 1;
        return new Outcome(agree ? Verdict.AGREE : Verdict.MISMATCH, revision, hashes, "");
      }
    } catch (CheckFailed e) {
      return new Outcome(Verdict.FAILED, revision, List.of(), String.valueOf(e.getMessage()));
    } finally {
      for (ManagedChannel c : channels) {
        c.shutdownNow();
      }
    }
  }

  /** Polls the member's Status until its revision reaches {@code revision}. */
  private static void awaitRevision(
      Caller call, Member m, MaintenanceGrpc.MaintenanceBlockingStub stub, long revision)
      throws InterruptedException {
    while (true) {
      long applied = call.retrying(m, stub, s -> s.status(STATUS)).getHeader().getRevision();
      if (applied >= revision) {
        return;
      }
      if (System.nanoTime() - call.deadline >= 0) {
        throw new CheckFailed(
            m.name() + " was still at revision " + applied + " when the check timed out");
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // the member is still applying entries
    }
  }

  /** Calls a member, again on a gRPC error until the check's deadline. */
  private static final class Caller {
    private final long deadline;
    private final Duration requestTimeout;

    Caller(long deadline, Duration requestTimeout) {
      this.deadline = deadline;
      this.requestTimeout = requestTimeout;
    }

    <T> T retrying(
        Member m,
        MaintenanceGrpc.MaintenanceBlockingStub stub,
        Function<MaintenanceGrpc.MaintenanceBlockingStub, T> request)
        throws InterruptedException {
      while (true) {
        try {
          // The full request timeout even past the check's deadline: the caller looks at the
          // deadline only after an answer, so that a check that ran out of time says what it was
          // waiting for rather than that its last request had no time left.
          return request.apply(
              stub.withDeadlineAfter(requestTimeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (StatusRuntimeException e) {
          // A member may be briefly unavailable after a heavy run (a leader change, a GC pause);
          // any other error (a compacted revision, an unimplemented HashKV) will not go away.
          Status.Code code = e.getStatus().getCode();
          boolean retry = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
          if (!retry || System.nanoTime() - deadline >= 0) {
            throw new CheckFailed(m.name() + " did not answer: " + e.getStatus());
          }
          TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
      }
    }
  }

  /** Ends the check early with a reason. */
  private static final class CheckFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckFailed(String reason) {
      super(reason, null, false, false);
    }
  }
}
