package io.strata.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.server.StoreServer;
import io.strata.server.TestPorts;
import io.strata.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** /metrics in Prometheus format with etcd's names, and etcd's health endpoints. */
@Timeout(60)
class HttpEndpointTest {
  @TempDir Path dir;

  @Test
  void metricsAndHealth() throws Exception {
    int metricsPort = TestPorts.free();
    ServerConfig config =
        ServerConfig.singleMember("h1", dir.resolve("h1"), TestPorts.free(), TestPorts.free())
            .toBuilder()
            .listenMetricsUrls(List.of(URI.create("http://127.0.0.1:" + metricsPort)))
            .build();
    try (StoreServer server = StoreServer.start(config, () -> {})) {
      server.awaitLeader();
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + metricsPort;
      HttpResponse<String> metrics = get(http, base + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("etcd_server_has_leader 1.0")
          .contains("etcd_mvcc_db_total_size_in_bytes")
          .contains("etcd_server_leader_changes_seen_total")
          .contains("etcd_server_proposals_committed_total")
          .contains("etcd_disk_backend_commit_duration_seconds_bucket");
      HttpResponse<String> health = get(http, base + "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"health\":\"true\",\"reason\":\"\"}");
      assertThat(get(http, base + "/livez").statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/readyz").body()).isEqualTo("ok");
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
