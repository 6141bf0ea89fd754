package io.strata.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.election.LeaderResponse;
import io.etcd.jetcd.election.NoLeaderException;
import io.etcd.jetcd.election.NotLeaderException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.stub.StreamObserver;
import io.strata.api.etcdserverpb.ClusterGrpc;
import io.strata.api.etcdserverpb.MemberListRequest;
import io.strata.server.TestCluster.Member;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The Java etcd client (jetcd) against three member processes: KV, Watch (including resuming after
 * its member restarts and a compacted start revision), Lease, Cluster, Maintenance, Election and
 * Lock, each through jetcd's own API, so that what it sends and expects is what we serve. Every
 * test works under its own key prefix on one shared cluster.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("try") // watchers and keep-alives live exactly as long as their try block
class JetcdIT {
  private static final Duration LONG = Duration.ofSeconds(30);
  private static final long RPC_SECONDS = 15;

  /** The smallest TTL the members grant with a 1 s election timeout. */
  private static final long MIN_TTL = 2;

  private TestCluster cluster;

  /** Each member's client URL, by member name. */
  private final Map<String, URI> endpoints = new TreeMap<>();

  /** A client over all three members. */
  private Client client;

  private final List<Client> clients = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    cluster = TestCluster.start("JetcdIT", 3, TestCluster.FAST_ELECTION);
    cluster.awaitLeader(LONG);
    // Members publish their client URLs through Raft shortly after they start.
    TestCluster.await(
        "every member's client URL in MemberList",
        LONG,
        () -> {
          var list =
              ClusterGrpc.newBlockingStub(cluster.members().get(0).channel())
                  .withDeadlineAfter(2, TimeUnit.SECONDS)
                  .memberList(MemberListRequest.getDefaultInstance());
          endpoints.clear();
          for (var m : list.getMembersList()) {
            if (m.getClientURLsCount() > 0) {
              endpoints.put(m.getName(), URI.create(m.getClientURLs(0)));
            }
          }
          return endpoints.size() == 3;
        });
    client = newClient(endpoints.values().toArray(URI[]::new));
  }

  @AfterAll
  void stop() {
    for (Client c : clients) {
      c.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private Client newClient(URI... to) {
    Client c = Client.builder().endpoints(to).build();
    clients.add(c);
    return c;
  }

  // --- KV -----------------------------------------------------------------------------------

  @Test
  void kv_putGetDeleteTxn() throws Exception {
    KV kv = client.getKVClient();
    long first = get(kv.put(bs("kv/a"), bs("1"))).getHeader().getRevision();
    get(kv.put(bs("kv/b"), bs("2")));
    get(kv.put(bs("kv/c"), bs("3")));
    var overwritten = get(kv.put(bs("kv/a"), bs("1b"), PutOption.builder().withPrevKV().build()));
    assertThat(overwritten.hasPrevKv()).isTrue();
    assertThat(str(overwritten.getPrevKv().getValue())).isEqualTo("1");

    KeyValue a = single(get(kv.get(bs("kv/a"))));
    assertThat(str(a.getValue())).isEqualTo("1b");
    assertThat(a.getVersion()).isEqualTo(2);
    assertThat(a.getCreateRevision()).isEqualTo(first);

    // Get with options: prefix, sort, limit, keys only, count only, an old revision.
    GetResponse desc =
        get(
            kv.get(
                bs("kv/"),
                GetOption.builder()
                    .isPrefix(true)
                    .withSortField(GetOption.SortTarget.KEY)
                    .withSortOrder(GetOption.SortOrder.DESCEND)
                    .withLimit(2)
                    .build()));
    assertThat(desc.getKvs()).extracting(kv1 -> str(kv1.getKey())).containsExactly("kv/c", "kv/b");
    assertThat(desc.isMore()).isTrue();
    assertThat(desc.getCount()).isEqualTo(3);
    GetResponse keysOnly =
        get(kv.get(bs("kv/"), GetOption.builder().isPrefix(true).withKeysOnly(true).build()));
    assertThat(keysOnly.getKvs()).allMatch(kv1 -> kv1.getValue().isEmpty()).hasSize(3);
    GetResponse count =
        get(kv.get(bs("kv/"), GetOption.builder().isPrefix(true).withCountOnly(true).build()));
    assertThat(count.getCount()).isEqualTo(3);
    assertThat(count.getKvs()).isEmpty();
    GetResponse old = get(kv.get(bs("kv/a"), GetOption.builder().withRevision(first).build()));
    assertThat(str(single(old).getValue())).isEqualTo("1");

    // Txn: compare on value, then/else branches.
    TxnResponse swapped =
        get(
            kv.txn()
                .If(new Cmp(bs("kv/b"), Cmp.Op.EQUAL, CmpTarget.value(bs("2"))))
                .Then(Op.put(bs("kv/b"), bs("2b"), PutOption.DEFAULT))
                .Else(Op.get(bs("kv/b"), GetOption.DEFAULT))
                .commit());
    assertThat(swapped.isSucceeded()).isTrue();
    assertThat(swapped.getPutResponses()).hasSize(1);
    TxnResponse lost =
        get(
            kv.txn()
                .If(new Cmp(bs("kv/b"), Cmp.Op.EQUAL, CmpTarget.value(bs("2"))))
                .Then(Op.put(bs("kv/b"), bs("never"), PutOption.DEFAULT))
                .Else(Op.get(bs("kv/b"), GetOption.DEFAULT))
                .commit());
    assertThat(lost.isSucceeded()).isFalse();
    assertThat(str(lost.getGetResponses().get(0).getKvs().get(0).getValue())).isEqualTo("2b");

    // Delete with prev kv, then a prefix delete.
    var deleted = get(kv.delete(bs("kv/c"), DeleteOption.builder().withPrevKV(true).build()));
    assertThat(deleted.getDeleted()).isEqualTo(1);
    assertThat(str(deleted.getPrevKvs().get(0).getValue())).isEqualTo("3");
    assertThat(
            get(kv.delete(bs("kv/"), DeleteOption.builder().isPrefix(true).build())).getDeleted())
        .isEqualTo(2);
    assertThat(get(kv.get(bs("kv/"), GetOption.builder().isPrefix(true).build())).getKvs())
        .isEmpty();
  }

  // --- Watch --------------------------------------------------------------------------------

  @Test
  void watch_events_thenResumeFromRevisionOnAnotherMember() throws Exception {
    List<URI> urls = List.copyOf(endpoints.values());
    BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    // From an explicit revision, so that no write can slip in before the watch is created.
    WatchOption prefix =
        WatchOption.builder().isPrefix(true).withRevision(currentRevision() + 1).build();
    Client first = newClient(urls.get(0));
    long last;
    try (Watch.Watcher w =
        first.getWatchClient().watch(bs("w1/"), prefix, r -> events.addAll(r.getEvents()))) {
      get(client.getKVClient().put(bs("w1/a"), bs("1")));
      get(client.getKVClient().put(bs("w1/b"), bs("2")));
      last = get(client.getKVClient().delete(bs("w1/a"))).getHeader().getRevision();
      assertThat(take(events, 3))
          .extracting(e -> e.getEventType() + " " + str(e.getKeyValue().getKey()))
          .containsExactly("PUT w1/a", "PUT w1/b", "DELETE w1/a");
    }
    first.close();

    // Missed while no one watched; a new client on another member resumes after `last`.
    get(client.getKVClient().put(bs("w1/c"), bs("3")));
    get(client.getKVClient().put(bs("w1/b"), bs("2b")));
    Client second = newClient(urls.get(1));
    BlockingQueue<WatchEvent> resumed = new LinkedBlockingQueue<>();
    try (Watch.Watcher w =
        second
            .getWatchClient()
            .watch(
                bs("w1/"),
                WatchOption.builder().isPrefix(true).withRevision(last + 1).build(),
                r -> resumed.addAll(r.getEvents()))) {
      assertThat(take(resumed, 2))
          .extracting(e -> str(e.getKeyValue().getKey()) + "=" + str(e.getKeyValue().getValue()))
          .containsExactly("w1/c=3", "w1/b=2b");
    }
  }

  @Test
  void watch_memberRestarts_jetcdResumesWithoutLossOrDuplicates() throws Exception {
    Member follower = cluster.followers(LONG).get(0);
    URI url = endpoints.get(follower.name());
    Client pinned = newClient(url);
    // Writes go through the two members that stay up: a multi-endpoint client may have picked the
    // killed member's channel for its next call, and a call on a closing channel is not retried.
    KV writer =
        newClient(
                endpoints.entrySet().stream()
                    .filter(e -> !e.getKey().equals(follower.name()))
                    .map(Map.Entry::getValue)
                    .toArray(URI[]::new))
            .getKVClient();
    BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    try (Watch.Watcher w =
        pinned
            .getWatchClient()
            .watch(
                bs("w2/"),
                WatchOption.builder().isPrefix(true).withRevision(currentRevision() + 1).build(),
                r -> events.addAll(r.getEvents()),
                e -> {})) {
      get(writer.put(bs("w2/k"), bs("1")));
      assertThat(str(take(events, 1).get(0).getKeyValue().getValue())).isEqualTo("1");

      cluster.kill(follower);
      try {
        get(writer.put(bs("w2/k"), bs("2")));
        get(writer.put(bs("w2/k"), bs("3")));
      } finally {
        // Other tests share this cluster: the member comes back even if this one fails.
        cluster.restart(follower);
      }

      // jetcd re-creates the watch from the revision after the last event it delivered.
      assertThat(take(events, 2))
          .extracting(e -> str(e.getKeyValue().getValue()))
          .containsExactly("2", "3");
      get(writer.put(bs("w2/k"), bs("4")));
      assertThat(str(take(events, 1).get(0).getKeyValue().getValue())).isEqualTo("4");
      assertThat(events).isEmpty();
    }
  }

  @Test
  void watch_compactedStartRevision_surfacesCompactedException() throws Exception {
    KV kv = client.getKVClient();
    long r1 = get(kv.put(bs("w3/k"), bs("1"))).getHeader().getRevision();
    get(kv.put(bs("w3/k"), bs("2")));
    long r3 = get(kv.put(bs("w3/k"), bs("3"))).getHeader().getRevision();
    get(kv.compact(r3));
    // The watch may land on any member: each must have applied the compaction (a member that has
    // not would rightly replay r1..r3 instead, as etcd's would). Members apply in log order, so
    // one that reached a later write's revision has applied the compaction too.
    get(kv.put(bs("w3/later"), bs("x")));
    cluster.awaitSameRevision(LONG);

    CompletableFuture<Throwable> error = new CompletableFuture<>();
    try (Watch.Watcher w =
        client
            .getWatchClient()
            .watch(
                bs("w3/k"),
                WatchOption.builder().withRevision(r1).build(),
                r -> {},
                error::complete)) {
      Throwable e = error.get(RPC_SECONDS, TimeUnit.SECONDS);
      assertThat(e).isInstanceOf(CompactedException.class);
      assertThat(((CompactedException) e).getCompactedRevision()).isEqualTo(r3);
    }
  }

  // --- Lease --------------------------------------------------------------------------------

  @Test
  void lease_keepAlive_keepsKeyPastItsTtl_thenExpiryDeletesIt() throws Exception {
    long id = get(client.getLeaseClient().grant(MIN_TTL)).getID();
    get(client.getKVClient().put(bs("l1/k"), bs("v"), PutOption.builder().withLeaseId(id).build()));
    AtomicInteger renewals = new AtomicInteger();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3 * MIN_TTL);
    try (CloseableClient keepAlive =
        client.getLeaseClient().keepAlive(id, countingObserver(renewals))) {
      // Poll, for three TTLs, that the key is never gone.
      TestCluster.await(
          "three TTLs of keep-alive",
          LONG,
          () -> {
            assertThat(get(client.getKVClient().get(bs("l1/k"))).getKvs())
                .as("key of a kept-alive lease")
                .hasSize(1);
            return System.nanoTime() - until > 0;
          });
    }
    assertThat(renewals.get()).isGreaterThanOrEqualTo(2);
    TestCluster.await(
        "the key to go with its lease",
        LONG,
        () -> get(client.getKVClient().get(bs("l1/k"))).getKvs().isEmpty());
  }

  @Test
  void lease_expiry_deletesAttachedKeys() throws Exception {
    long id = get(client.getLeaseClient().grant(MIN_TTL)).getID();
    for (String k : List.of("l2/a", "l2/b")) {
      get(client.getKVClient().put(bs(k), bs("v"), PutOption.builder().withLeaseId(id).build()));
    }
    var ttl =
        get(
            client
                .getLeaseClient()
                .timeToLive(id, LeaseOption.builder().withAttachedKeys().build()));
    assertThat(ttl.getKeys()).extracting(JetcdIT::str).containsExactlyInAnyOrder("l2/a", "l2/b");
    TestCluster.await(
        "keys of an expired lease to be deleted",
        LONG,
        () ->
            get(client.getKVClient().get(bs("l2/"), GetOption.builder().isPrefix(true).build()))
                    .getCount()
                == 0);
    assertThat(get(client.getLeaseClient().timeToLive(id, LeaseOption.DEFAULT)).getTTL())
        .isEqualTo(-1);
  }

  // --- Cluster and Maintenance --------------------------------------------------------------

  @Test
  void cluster_memberList_showsThreeMembers() throws Exception {
    var members = get(client.getClusterClient().listMember()).getMembers();
    assertThat(members)
        .extracting(io.etcd.jetcd.cluster.Member::getName)
        .containsExactlyInAnyOrder("m1", "m2", "m3");
    assertThat(members).allSatisfy(m -> assertThat(m.getClientURIs()).hasSize(1));
    assertThat(members).noneMatch(io.etcd.jetcd.cluster.Member::isLearner);
  }

  @Test
  void maintenance_status_andHashKvEqualOnAllMembers() throws Exception {
    get(client.getKVClient().put(bs("m/k"), bs("v")));
    long leader = -1;
    for (URI url : endpoints.values()) {
      var status = get(client.getMaintenanceClient().statusMember(url.toString()));
      assertThat(status.getVersion()).isNotEmpty();
      assertThat(status.getDbSize()).isPositive();
      if (leader == -1) {
        leader = status.getLeader();
      }
      assertThat(status.getLeader()).isEqualTo(leader).isNotZero();
    }
    long revision = cluster.awaitSameRevision(LONG);
    List<Integer> hashes = new ArrayList<>();
    for (URI url : endpoints.values()) {
      hashes.add(get(client.getMaintenanceClient().hashKV(url.toString(), revision)).getHash());
    }
    assertThat(hashes).hasSize(3).containsOnly(hashes.get(0));
  }

  // --- Election -----------------------------------------------------------------------------

  @Test
  void election_campaignObserveProclaimResign() throws Exception {
    Election election = client.getElectionClient();
    ByteSequence name = bs("e1");
    assertThatThrownBy(() -> get(election.leader(name)))
        .hasCauseInstanceOf(NoLeaderException.class);

    BlockingQueue<String> observed = new LinkedBlockingQueue<>();
    AtomicReference<Throwable> observeError = new AtomicReference<>();
    election.observe(
        name,
        new Election.Listener() {
          @Override
          public void onNext(LeaderResponse r) {
            observed.add(str(r.getKv().getValue()));
          }

          @Override
          public void onError(Throwable t) {
            observeError.set(t);
          }

          @Override
          public void onCompleted() {}
        });

    long lease1 = get(client.getLeaseClient().grant(60)).getID();
    long lease2 = get(client.getLeaseClient().grant(60)).getID();
    LeaderKey first = get(election.campaign(name, lease1, bs("one"))).getLeader();
    TestCluster.await("observe to see the first leader", LONG, () -> observed.contains("one"));
    assertThat(first.getLease()).isEqualTo(lease1);
    assertThat(str(first.getKey())).isEqualTo("e1/" + Long.toHexString(lease1));
    assertThat(str(get(election.leader(name)).getKv().getValue())).isEqualTo("one");

    // A second candidate waits behind the leader.
    Client other = newClient(List.copyOf(endpoints.values()).get(2));
    CompletableFuture<io.etcd.jetcd.election.CampaignResponse> second =
        other.getElectionClient().campaign(name, lease2, bs("two"));
    awaitKeys("e1/", 2);
    assertThat(second).isNotDone();

    get(election.proclaim(first, bs("one-b")));
    assertThat(str(get(election.leader(name)).getKv().getValue())).isEqualTo("one-b");

    get(election.resign(first));
    LeaderKey next = second.get(RPC_SECONDS, TimeUnit.SECONDS).getLeader();
    assertThat(next.getLease()).isEqualTo(lease2);
    assertThat(next.getRevision()).isGreaterThan(first.getRevision());
    assertThat(str(get(election.leader(name)).getKv().getValue())).isEqualTo("two");

    // The old leader key no longer proclaims.
    assertThatThrownBy(() -> get(election.proclaim(first, bs("stale"))))
        .hasCauseInstanceOf(NotLeaderException.class);

    TestCluster.await(
        "observe to see every leader and value",
        LONG,
        () -> List.copyOf(observed).equals(List.of("one", "one-b", "two")));
    get(other.getElectionClient().resign(next));
    assertThatThrownBy(() -> get(election.leader(name)))
        .hasCauseInstanceOf(NoLeaderException.class);
    assertThat(observeError.get()).isNull();
  }

  @Test
  void election_leaseRevokedWhileWaiting_campaignFails() throws Exception {
    Election election = client.getElectionClient();
    ByteSequence name = bs("e2");
    long holder = get(client.getLeaseClient().grant(60)).getID();
    long waiter = get(client.getLeaseClient().grant(60)).getID();
    LeaderKey leader = get(election.campaign(name, holder, bs("a"))).getLeader();
    var waiting = election.campaign(name, waiter, bs("b"));
    awaitKeys("e2/", 2);
    get(client.getLeaseClient().revoke(waiter));
    assertThatThrownBy(() -> waiting.get(RPC_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(NotLeaderException.class);
    get(election.resign(leader));
  }

  // --- Lock ---------------------------------------------------------------------------------

  @Test
  void lock_secondClientWaitsUntilUnlock() throws Exception {
    Lock first = client.getLockClient();
    Lock second = newClient(List.copyOf(endpoints.values()).get(1)).getLockClient();
    long lease1 = get(client.getLeaseClient().grant(60)).getID();
    long lease2 = get(client.getLeaseClient().grant(60)).getID();

    ByteSequence held = get(first.lock(bs("k1"), lease1)).getKey();
    assertThat(str(held)).isEqualTo("k1/" + Long.toHexString(lease1));
    CompletableFuture<io.etcd.jetcd.lock.LockResponse> waiting = second.lock(bs("k1"), lease2);
    awaitKeys("k1/", 2);
    assertThat(waiting).isNotDone();

    get(first.unlock(held));
    ByteSequence next = waiting.get(RPC_SECONDS, TimeUnit.SECONDS).getKey();
    assertThat(str(next)).isEqualTo("k1/" + Long.toHexString(lease2));
    get(second.unlock(next));
    awaitKeys("k1/", 0);
  }

  @Test
  void lock_leaseRevokedWhileWaiting_fails() throws Exception {
    Lock lock = client.getLockClient();
    long holder = get(client.getLeaseClient().grant(60)).getID();
    long waiter = get(client.getLeaseClient().grant(60)).getID();
    ByteSequence held = get(lock.lock(bs("k2"), holder)).getKey();
    var waiting = lock.lock(bs("k2"), waiter);
    awaitKeys("k2/", 2);
    get(client.getLeaseClient().revoke(waiter));
    assertThatThrownBy(() -> waiting.get(RPC_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("mutex: session is expired");
    get(lock.unlock(held));
  }

  @Test
  void lock_mutualExclusion_betweenTwoClients() throws Exception {
    List<URI> urls = List.copyOf(endpoints.values());
    int rounds = 8;
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    get(client.getKVClient().put(bs("k3-counter"), bs("0")));
    List<CompletableFuture<Void>> workers = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    for (int i = 0; i < 2; i++) {
      Client c = newClient(urls.get(i));
      long lease = get(c.getLeaseClient().grant(60)).getID();
      workers.add(
          CompletableFuture.runAsync(
              () -> {
                for (int r = 0; r < rounds; r++) {
                  ByteSequence key = get(c.getLockClient().lock(bs("k3"), lease)).getKey();
                  maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                  // An unguarded read-modify-write: only the lock makes it safe.
                  KeyValue counter = single(get(c.getKVClient().get(bs("k3-counter"))));
                  int value = Integer.parseInt(str(counter.getValue()));
                  get(c.getKVClient().put(bs("k3-counter"), bs(Integer.toString(value + 1))));
                  holders.decrementAndGet();
                  get(c.getLockClient().unlock(key));
                }
              },
              threads));
    }
    try {
      CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }
    assertThat(maxHolders.get()).isEqualTo(1);
    assertThat(str(single(get(client.getKVClient().get(bs("k3-counter")))).getValue()))
        .isEqualTo(Integer.toString(2 * rounds));
  }

  // --- helpers ------------------------------------------------------------------------------

  private long currentRevision() {
    return get(client.getKVClient().get(bs("~"))).getHeader().getRevision();
  }

  private void awaitKeys(String prefix, long count) {
    TestCluster.await(
        count + " keys under " + prefix,
        LONG,
        () ->
            get(client.getKVClient().get(bs(prefix), GetOption.builder().isPrefix(true).build()))
                    .getCount()
                == count);
  }

  private static List<WatchEvent> take(BlockingQueue<WatchEvent> events, int n)
      throws InterruptedException {
    List<WatchEvent> out = new ArrayList<>();
    long deadline = System.nanoTime() + LONG.toNanos();
    while (out.size() < n) {
      WatchEvent e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError("got " + out.size() + " of " + n + " watch events");
      }
      out.add(e);
    }
    return out;
  }

  private static StreamObserver<LeaseKeepAliveResponse> countingObserver(AtomicInteger count) {
    return new StreamObserver<>() {
      @Override
      public void onNext(LeaseKeepAliveResponse r) {
        count.incrementAndGet();
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  private static KeyValue single(GetResponse r) {
    assertThat(r.getKvs()).hasSize(1);
    return r.getKvs().get(0);
  }

  private static <T> T get(CompletableFuture<T> f) {
    try {
      return f.get(RPC_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      throw new java.util.concurrent.CompletionException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within " + RPC_SECONDS + " s", e);
    }
  }

  private static ByteSequence bs(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static String str(@Nullable ByteSequence b) {
    return b == null ? "" : b.toString(StandardCharsets.UTF_8);
  }
}
