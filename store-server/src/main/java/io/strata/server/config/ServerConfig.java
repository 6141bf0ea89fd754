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

  /** A builder starting from this config, for the few settings tests and tools change. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes some settings of an existing config; the rest is kept. */
  public static final class Builder {
    private final ServerConfig base;
    private int maxRequestBytes;
    private int maxTxnOps;
    private long quotaBackendBytes;
    private long snapshotCount;
    private String autoCompactionMode;
    private String autoCompactionRetention;
    private List<URI> listenMetricsUrls;
    private java.time.Duration watchProgressNotifyInterval;

    private Builder(ServerConfig c) {
      base = c;
      maxRequestBytes = c.maxRequestBytes;
      maxTxnOps = c.maxTxnOps;
      quotaBackendBytes = c.quotaBackendBytes;
      snapshotCount = c.snapshotCount;
      autoCompactionMode = c.autoCompactionMode;
      autoCompactionRetention = c.autoCompactionRetention;
      listenMetricsUrls = c.listenMetricsUrls;
      watchProgressNotifyInterval = c.watchProgressNotifyInterval;
    }

    public Builder maxRequestBytes(int bytes) {
      this.maxRequestBytes = bytes;
      return this;
    }

    public Builder maxTxnOps(int ops) {
      this.maxTxnOps = ops;
      return this;
    }

    public Builder quotaBackendBytes(long bytes) {
      this.quotaBackendBytes = bytes;
      return this;
    }

    public Builder snapshotCount(long count) {
      this.snapshotCount = count;
      return this;
    }

    public Builder autoCompaction(String mode, String retention) {
      this.autoCompactionMode = mode;
      this.autoCompactionRetention = retention;
      return this;
    }

    public Builder listenMetricsUrls(List<URI> urls) {
      this.listenMetricsUrls = urls;
      return this;
    }

    public Builder watchProgressNotifyInterval(java.time.Duration interval) {
      this.watchProgressNotifyInterval = interval;
      return this;
    }

    public ServerConfig build() {
      ServerConfig c = base;
      return new ServerConfig(
          c.name,
          c.dataDir,
          c.listenClientUrls,
          c.advertiseClientUrls,
          c.listenPeerUrls,
          c.initialAdvertisePeerUrls,
          c.initialCluster,
          c.initialClusterState,
          c.initialClusterToken,
          maxRequestBytes,
          maxTxnOps,
          quotaBackendBytes,
          snapshotCount,
          c.heartbeatIntervalMs,
          c.electionTimeoutMs,
          autoCompactionMode,
          autoCompactionRetention,
          listenMetricsUrls,
          watchProgressNotifyInterval);
    }
  }
}
