package io.strata.server.grpc;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * etcd's member and cluster ids: a member id is the first 8 bytes of SHA-1 over its sorted peer
 * URLs and the cluster token; the cluster id hashes the sorted member ids. Every member computes
 * the same values from the same {@code --initial-cluster} and token.
 */
public record MemberIdentity(
    long clusterId, long memberId, Map<String, Long> memberIds, String token) {

  public static MemberIdentity of(String self, Map<String, List<URI>> cluster, String token) {
    Map<String, Long> ids = new TreeMap<>();
    cluster.forEach((name, urls) -> ids.put(name, memberId(urls, token)));
    List<Long> sorted = new ArrayList<>(ids.values());
    sorted.sort(Long::compareUnsigned);
    ByteBuffer buf = ByteBuffer.allocate(8 * sorted.size());
    sorted.forEach(buf::putLong);
    long clusterId = ByteBuffer.wrap(sha1(buf.array())).getLong();
    return new MemberIdentity(clusterId, ids.get(self), ids, token);
  }

  /**
   * The id of a member added after the cluster started (MemberAdd): derived from its peer URLs and
   * the token like the initial members' ids, so the joining member and every other agree on it.
   */
  public long idOfPeerUrls(List<String> peerUrls) {
    List<URI> urls = new ArrayList<>();
    peerUrls.forEach(u -> urls.add(URI.create(u)));
    return memberId(urls, token);
  }

  /** The id of the named member (for one added after start, derived from its name). */
  public long idOf(String name) {
    Long id = memberIds.get(name);
    return id != null
        ? id
        : ByteBuffer.wrap(sha1(("member:" + name).getBytes(StandardCharsets.UTF_8))).getLong();
  }

  /** The name of the member with {@code id}, if it is one of the known members. */
  public java.util.Optional<String> nameOf(long id) {
    return memberIds.entrySet().stream()
        .filter(e -> e.getValue() == id)
        .map(Map.Entry::getKey)
        .findFirst();
  }

  private static long memberId(List<URI> urls, String token) {
    List<String> strings = new ArrayList<>();
    urls.forEach(u -> strings.add(u.toString()));
    strings.sort(null);
    String joined = String.join("", strings) + token;
    return ByteBuffer.wrap(sha1(joined.getBytes(StandardCharsets.UTF_8))).getLong();
  }

  private static byte[] sha1(byte[] in) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(in);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by the Java platform", e);
    }
  }
}
