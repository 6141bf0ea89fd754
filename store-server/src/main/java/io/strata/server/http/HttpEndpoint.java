package io.strata.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} (Prometheus text format) and etcd's health endpoints. {@code /health}
 * answers {@code {"health":"true","reason":""}} when the member has a leader and can read, with
 * HTTP 503 and a reason otherwise, as etcd does; {@code /livez} only says the process serves;
 * {@code /readyz} is {@code /health} in etcd's plain-text form.
 */
public final class HttpEndpoint implements AutoCloseable {
  /** The health of the member right now: null when healthy, else the reason. */
  public interface HealthCheck extends Supplier<String> {}

  private final HttpServer server;

  public HttpEndpoint(URI listen, PrometheusMeterRegistry registry, HealthCheck health)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(listen.getHost(), listen.getPort()), 64);
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "strata-http");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(
        "/metrics",
        ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext(
        "/health",
        ex -> {
          String reason = health.get();
          boolean ok = reason == null;
          send(
              ex,
              ok ? 200 : 503,
              "application/json",
              "{\"health\":\"" + ok + "\",\"reason\":\"" + (ok ? "" : reason) + "\"}");
        });
    server.createContext("/livez", ex -> send(ex, 200, "text/plain", "ok"));
    server.createContext(
        "/readyz",
        ex -> {
          String reason = health.get();
          send(ex, reason == null ? 200 : 503, "text/plain", reason == null ? "ok" : reason);
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
