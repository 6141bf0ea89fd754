package io.strata.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a member needs to start, with etcd's flag names and defaults. Built by {@link
 * Flags#parse}; tests build it directly with {@link #singleMember}.
 *
 * @param initialCluster member name to its peer URLs, in flag order
 * @param autoCompactionRetention for {@code periodic}: a duration in hours or with a unit ({@code
 *     1h}, {@code 30m}); for {@code revision}: a revision count; "0" disables it
 */
public record ServerConfig(
    String name,
    Path dataDir,
    List<URI> listenClientUrls,
    List<URI> advertiseClientUrls,
    List<URI> listenPeerUrls,
    List<URI> initialAdvertisePeerUrls,
    Map<String, List<URI>> initialCluster,
    String initialClusterState,
    String initialClusterToken,
    int maxRequestBytes,
    int maxTxnOps,
    long quotaBackendBytes,
    long snapshotCount,
    int heartbeatIntervalMs,
    int electionTimeoutMs,
    String autoCompactionMode,
    String autoCompactionRetention,
    List<URI> listenMetricsUrls,
    java.time.Duration watchProgressNotifyInterval) {

  /** etcd's default for {@code --quota-backend-bytes} when 0 is given: 2 GiB. */
  public static final long DEFAULT_QUOTA_BYTES = 2L << 30;

  public ServerConfig {
    listenClientUrls = List.copyOf(listenClientUrls);
    advertiseClientUrls = List.copyOf(advertiseClientUrls);
    listenPeerUrls = List.copyOf(listenPeerUrls);
    initialAdvertisePeerUrls = List.copyOf(initialAdvertisePeerUrls);
    initialCluster =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(initialCluster));
    listenMetricsUrls = List.copyOf(listenMetricsUrls);
  }

  /** One member on the given loopback ports, otherwise etcd's defaults. */
  public static ServerConfig singleMember(String name, Path dataDir, int clientPort, int peerPort) {
    URI client = URI.create("http://127.0.0.1:" + clientPort);
    URI peer = URI.create("http://127.0.0.1:" + peerPort);
    return new ServerConfig(
        name,
        dataDir,
        List.of(client),
        List.of(client),
        List.of(peer),
        List.of(peer),
        Map.of(name, List.of(peer)),
        "new",
        "etcd-cluster",
        Flags.DEFAULT_MAX_REQUEST_BYTES,
        128,
        0,
        10_000,
        100,
        1000,
        "periodic",
        "0",
        List.of(),
        java.time.Duration.ofMinutes(10));
  }

  /** The effective backend quota: etcd reads 0 as 2 GiB. */
  public long effectiveQuotaBytes() {
    return quotaBackendBytes > 0 ? quotaBackendBytes : DEFAULT_QUOTA_BYTES;
  }

  /** This member's own peer URLs, as the cluster knows them. */
  public List<URI> peerUrls() {
    return initialCluster.getOrDefault(name, initialAdvertisePeerUrls);
  }

  public ServerConfig withQuotaBackendBytes(long bytes) {
    return new ServerConfig(
        name,
        dataDir,
        listenClientUrls,
        advertiseClientUrls,
        listenPeerUrls,
        initialAdvertisePeerUrls,
        initialCluster,
        initialClusterState,
        initialClusterToken,
        maxRequestBytes,
        maxTxnOps,
        bytes,
        snapshotCount,
        heartbeatIntervalMs,
        electionTimeoutMs,
        autoCompactionMode,
        autoCompactionRetention,
        listenMetricsUrls,
        watchProgressNotifyInterval);
  }

  public ServerConfig withMaxRequestBytes(int bytes) {
    return new ServerConfig(
        name,
        dataDir,
        listenClientUrls,
        advertiseClientUrls,
        listenPeerUrls,
        initialAdvertisePeerUrls,
        initialCluster,
        initialClusterState,
        initialClusterToken,
        bytes,
        maxTxnOps,
        quotaBackendBytes,
        snapshotCount,
        heartbeatIntervalMs,
        electionTimeoutMs,
        autoCompactionMode,
        autoCompactionRetention,
        listenMetricsUrls,
        watchProgressNotifyInterval);
  }

  public ServerConfig withMaxTxnOps(int ops) {
    return new ServerConfig(
        name,
        dataDir,
        listenClientUrls,
        advertiseClientUrls,
        listenPeerUrls,
        initialAdvertisePeerUrls,
        initialCluster,
        initialClusterState,
        initialClusterToken,
        maxRequestBytes,
        ops,
        quotaBackendBytes,
        snapshotCount,
        heartbeatIntervalMs,
        electionTimeoutMs,
        autoCompactionMode,
        autoCompactionRetention,
        listenMetricsUrls,
        watchProgressNotifyInterval);
  }

  public ServerConfig withListenMetricsUrls(List<URI> urls) {
    return new ServerConfig(
        name,
        dataDir,
        listenClientUrls,
        advertiseClientUrls,
        listenPeerUrls,
        initialAdvertisePeerUrls,
        initialCluster,
        initialClusterState,
        initialClusterToken,
        maxRequestBytes,
        maxTxnOps,
        quotaBackendBytes,
        snapshotCount,
        heartbeatIntervalMs,
        electionTimeoutMs,
        autoCompactionMode,
        autoCompactionRetention,
        urls,
        watchProgressNotifyInterval);
  }

  public ServerConfig withSnapshotCount(long count) {
    return new ServerConfig(
        name,
        dataDir,
        listenClientUrls,
        advertiseClientUrls,
        listenPeerUrls,
        initialAdvertisePeerUrls,
        initialCluster,
        initialClusterState,
        initialClusterToken,
        maxRequestBytes,
        maxTxnOps,
        quotaBackendBytes,
        count,
        heartbeatIntervalMs,
        electionTimeoutMs,
        autoCompactionMode,
        autoCompactionRetention,
        listenMetricsUrls,
        watchProgressNotifyInterval);
  }

  public ServerConfig withAutoCompaction(String mode, String retention) {
    return new ServerConfig(
        name,
        dataDir,
        listenClientUrls,
        advertiseClientUrls,
        listenPeerUrls,
        initialAdvertisePeerUrls,
        initialCluster,
        initialClusterState,
        initialClusterToken,
        maxRequestBytes,
        maxTxnOps,
        quotaBackendBytes,
        snapshotCount,
        heartbeatIntervalMs,
        electionTimeoutMs,
        mode,
        retention,
        listenMetricsUrls,
        watchProgressNotifyInterval);
  }

  public ServerConfig withWatchProgressNotifyInterval(java.time.Duration interval) {
    return new ServerConfig(
        name,
        dataDir,
        listenClientUrls,
        advertiseClientUrls,
        listenPeerUrls,
        initialAdvertisePeerUrls,
        initialCluster,
        initialClusterState,
        initialClusterToken,
        maxRequestBytes,
        maxTxnOps,
        quotaBackendBytes,
        snapshotCount,
        heartbeatIntervalMs,
        electionTimeoutMs,
        autoCompactionMode,
        autoCompactionRetention,
        listenMetricsUrls,
        interval);
  }
}
