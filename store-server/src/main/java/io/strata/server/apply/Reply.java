package io.strata.server.apply;

import com.google.protobuf.MessageLite;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The state machine's answer to one command, as it travels back through Ratis: a status byte, then
 * either the etcd response message (header revision set, the rest filled in by the gRPC layer) or
 * etcd's error message.
 */
public record Reply(boolean ok, byte[] body) {
  private static final byte OK = 0;
  private static final byte ERROR = 1;

  public static byte[] success(MessageLite response) {
    byte[] body = response.toByteArray();
    byte[] out = new byte[body.length + 1];
    out[0] = OK;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  public static byte[] failure(String etcdMessage) {
    byte[] body = etcdMessage.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[body.length + 1];
    out[0] = ERROR;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  public static Reply decode(byte[] data) {
    if (data.length == 0) {
      throw new IllegalArgumentException("empty reply");
    }
    return new Reply(data[0] == OK, Arrays.copyOfRange(data, 1, data.length));
  }

  /** The error message of a failed reply. */
  public String error() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
