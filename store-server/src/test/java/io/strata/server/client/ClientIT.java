package io.strata.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.api.mvccpb.Event;
import io.strata.client.Client;
import io.strata.client.GetOptions;
import io.strata.client.Informer;
import io.strata.client.KeepAlive;
import io.strata.client.KeepAliveListener;
import io.strata.client.WatchListener;
import io.strata.client.WatchOptions;
import io.strata.client.Watcher;
import io.strata.server.TestCluster;
import io.strata.server.TestCluster.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client library against a real 3-member cluster (issue 5's acceptance): a watch resumes across
 * kill -9 of the member it is connected to without losing or repeating an event; a keep-alive
 * survives a leader change; a lock is exclusive among 10 clients and is released when its holder's
 * lease expires.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClientIT {
  private static final Duration LONG = Duration.ofSeconds(60);

  private static @Nullable TestCluster cluster;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestCluster.start("ClientIT", 3, TestCluster.FAST_ELECTION);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void closeClientsAndRestartMembers() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    TestCluster c = cluster();
    for (Member m : c.members()) {
      if (!m.isRunning()) {
        c.restart(m);
      }
    }
  }

  private static TestCluster cluster() {
    TestCluster c = cluster;
    if (c == null) {
      throw new IllegalStateException("cluster not started");
    }
    return c;
  }

  /** A client whose endpoints are {@code first} then the others, so it talks to {@code first}. */
  private Client clientOf(Member first) {
    List<String> endpoints = new ArrayList<>();
    endpoints.add(first.endpoint());
    cluster().members().stream().filter(m -> m != first).forEach(m -> endpoints.add(m.endpoint()));
    Client c =
        Client.builder()
            .endpoints(endpoints)
            .requestTimeout(Duration.ofSeconds(10))
            .keepAlive(Duration.ofSeconds(5), Duration.ofSeconds(3))
            .build();
    closeables.add(c);
    return c;
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Test
  void watch_killMinus9OfItsMember_resumesWithoutLossOrRepeat() throws Exception {
    TestCluster c = cluster();
    Member watched = c.members().get(0);
    Member other = c.members().get(1);
    Client watching = clientOf(watched);
    Client writing = clientOf(other);

    List<Long> seen = new CopyOnWriteArrayList<>();
    List<String> keys = new CopyOnWriteArrayList<>();
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    Watcher w =
        watching
            .watch()
            .watch(
                bytes("resume/"),
                WatchOptions.builder().prefix(true).build(),
                new WatchListener() {
                  @Override
                  public void onNext(WatchResponse response) {
                    for (Event e : response.getEventsList()) {
                      seen.add(e.getKv().getModRevision());
                      keys.add(e.getKv().getKey().toStringUtf8());
                    }
                  }

                  @Override
                  public void onError(Throwable error) {
                    failed.complete(error);
                  }
                });
    closeables.add(w);
    TestCluster.await("the watch to be created", LONG, () -> w.nextRevision() > 0);

    // Writes keep going through the other members while the watched one is killed.
    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicBoolean writing_ = new AtomicBoolean(true);
    AtomicInteger n = new AtomicInteger();
    Thread writer =
        new Thread(
            () -> {
              while (writing_.get()) {
                try {
                  long rev =
                      writing
                          .kv()
                          .put(bytes("resume/" + n.getAndIncrement()), bytes("v"))
                          .get(20, TimeUnit.SECONDS)
                          .getHeader()
                          .getRevision();
                  acknowledged.add(rev);
                } catch (Exception e) {
                  // Unacknowledged (leader change): it may or may not be applied.
                }
              }
            },
            "resume-writer");
    writer.start();
    try {
      TestCluster.await("some events before the kill", LONG, () -> seen.size() >= 50);
      c.kill(watched);
      long afterKill = acknowledged.size();
      TestCluster.await(
          "writes after the kill", LONG, () -> acknowledged.size() >= afterKill + 100);
    } finally {
      writing_.set(false);
      writer.join(TimeUnit.SECONDS.toMillis(60));
    }
    long last = writing.kv().get(bytes("resume/x")).join().getHeader().getRevision();
    TestCluster.await(
        "the watch to deliver up to revision " + last,
        LONG,
        () -> !seen.isEmpty() && seen.get(seen.size() - 1) >= last);

    assertThat(failed).isNotDone();
    // No repeat: strictly increasing (one put per revision). No loss: no gap between the first
    // and last revision seen, and every acknowledged write after the watch started is there.
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i))
          .as("revision after %s", seen.get(i - 1))
          .isEqualTo(seen.get(i - 1) + 1);
    }
    assertThat(seen).containsAll(acknowledged.stream().filter(r -> r >= seen.get(0)).toList());
    assertThat(keys).doesNotHaveDuplicates();
  }

  @Test
  void keepAlive_leaderKilled_leaseStaysAlive() throws Exception {
    TestCluster c = cluster();
    Member leader = c.awaitLeader(LONG);
    Client client = clientOf(leader);
    long ttl = 4;
    long id = client.lease().grant(ttl).get(30, TimeUnit.SECONDS).getID();
    AtomicLong responses = new AtomicLong();
    CompletableFuture<Throwable> lost = new CompletableFuture<>();
    KeepAlive keepAlive =
        client
            .lease()
            .keepAlive(
                id,
                new KeepAliveListener() {
                  @Override
                  public void onNext(LeaseKeepAliveResponse response) {
                    responses.incrementAndGet();
                  }

                  @Override
                  public void onError(Throwable error) {
                    lost.complete(error);
                  }
                });
    closeables.add(keepAlive);
    TestCluster.await("a first keep-alive", LONG, () -> responses.get() > 0);

    c.kill(leader);
    Member newLeader = c.awaitLeader(LONG);
    assertThat(newLeader).isNotSameAs(leader);
    long before = responses.get();
    // Three TTLs after the leader change the lease must still be alive and renewed meanwhile.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3 * ttl);
    Client observer = clientOf(newLeader);
    while (System.nanoTime() < until) {
      long remaining = observer.lease().timeToLive(id, false).get(30, TimeUnit.SECONDS).getTTL();
      assertThat(remaining).as("remaining TTL of lease %x", id).isPositive();
      TimeUnit.MILLISECONDS.sleep(250); // the observation interval
    }
    assertThat(responses.get()).isGreaterThan(before);
    assertThat(lost).isNotDone();
  }

  @Test
  void informer_listsThenFollowsWrites_matchesRange() throws Exception {
    Client client = clientOf(cluster().members().get(0));
    for (int i = 0; i < 5; i++) {
      client.kv().put(bytes("informer/" + i), bytes("v" + i)).join();
    }
    Informer informer = Informer.start(client, bytes("informer/"), new Informer.Handler() {});
    closeables.add(informer);
    assertThat(informer.awaitSynced(60, TimeUnit.SECONDS)).isTrue();
    assertThat(informer.list()).hasSize(5);
    client.kv().put(bytes("informer/new"), bytes("x")).join();
    client.kv().put(bytes("informer/0"), bytes("changed")).join();
    long last = client.kv().delete(bytes("informer/1")).join().getHeader().getRevision();
    TestCluster.await("the informer at revision " + last, LONG, () -> informer.revision() >= last);
    assertThat(informer.list())
        .isEqualTo(
            client
                .kv()
                .get(bytes("informer/"), GetOptions.builder().prefix(true).build())
                .join()
                .getKvsList());
  }

  @Test
  void lock_tenClients_exclusive_andReleasedOnLeaseExpiry() throws Exception {
    TestCluster c = cluster();
    List<Member> members = c.members();
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    AtomicInteger acquired = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 10; i++) {
      Client client = clientOf(members.get(i % members.size()));
      Thread t =
          new Thread(
              () -> {
                try {
                  long lease = client.lease().grant(30).get(30, TimeUnit.SECONDS).getID();
                  for (int round = 0; round < 2; round++) {
                    ByteString key =
                        client
                            .lock()
                            .lock(bytes("it-lock"), lease)
                            .get(120, TimeUnit.SECONDS)
                            .getKey();
                    int now = holders.incrementAndGet();
                    maxHolders.accumulateAndGet(now, Math::max);
                    // Inside the critical section: a read-modify-write no one else may interleave.
                    long v =
                        client.kv().get(bytes("it-lock-counter")).join().getKvsList().stream()
                            .findFirst()
                            .map(kv -> Long.parseLong(kv.getValue().toStringUtf8()))
                            .orElse(0L);
                    client.kv().put(bytes("it-lock-counter"), bytes(Long.toString(v + 1))).join();
                    holders.decrementAndGet();
                    acquired.incrementAndGet();
                    client.lock().unlock(key).get(30, TimeUnit.SECONDS);
                  }
                  client.lease().revoke(lease).get(30, TimeUnit.SECONDS);
                } catch (Exception | AssertionError e) {
                  errors.add(e);
                }
              },
              "locker-" + i);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(200));
    }
    assertThat(errors).isEmpty();
    assertThat(acquired).hasValue(20);
    assertThat(maxHolders).hasValue(1);
    Client check = clientOf(members.get(0));
    assertThat(check.kv().get(bytes("it-lock-counter")).join().getKvs(0).getValue().toStringUtf8())
        .isEqualTo("20");

    // A holder that dies without unlocking: its lease expires and the waiter gets the lock.
    Client dying = clientOf(members.get(1));
    Client waiting = clientOf(members.get(2));
    long shortLease = dying.lease().grant(3).get(30, TimeUnit.SECONDS).getID();
    dying.lock().lock(bytes("it-expiry-lock"), shortLease).get(30, TimeUnit.SECONDS);
    long waiterLease = waiting.lease().grant(60).get(30, TimeUnit.SECONDS).getID();
    var waiter = waiting.lock().lock(bytes("it-expiry-lock"), waiterLease);
    TimeUnit.MILLISECONDS.sleep(1000); // the holder's lease is still alive here: no lock yet
    assertThat(waiter).isNotDone();
    waiter.get(60, TimeUnit.SECONDS);
    assertThat(waiting.lease().timeToLive(shortLease, false).join().getTTL()).isEqualTo(-1);
  }
}
