package io.strata.client;

/**
 * A connection to an etcd v3 API cluster through one or more endpoints; thread-safe, meant to be
 * shared and closed once. Calls go to one endpoint at a time and move to the next when it fails.
 *
 * <pre>{@code
 * try (Client client = Client.builder().endpoints("127.0.0.1:2379").build()) {
 *   client.kv().put(ByteString.copyFromUtf8("k"), ByteString.copyFromUtf8("v")).join();
 * }
 * }</pre>
 */
public interface Client extends AutoCloseable {
  static ClientBuilder builder() {
    return new ClientBuilder();
  }

  KV kv();

  Watch watch();

  Lease lease();

  Cluster cluster();

  Maintenance maintenance();

  Lock lock();

  Election election();

  /** Closes every channel; running watches and keep-alives stop. */
  @Override
  void close();
}
