package io.strata.server.apply;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.strata.api.etcdserverpb.AlarmRequest;
import io.strata.api.etcdserverpb.CompactionRequest;
import io.strata.api.etcdserverpb.DeleteRangeRequest;
import io.strata.api.etcdserverpb.PutRequest;
import io.strata.api.etcdserverpb.TxnRequest;

/**
 * A write as it is stored in the Raft log: one type byte, then etcd's own request message. Using
 * etcd's messages keeps the log readable by anyone with etcd's protos and avoids a second schema.
 */
public sealed interface Command {
  byte PUT = 1;
  byte DELETE_RANGE = 2;
  byte TXN = 3;
  byte COMPACT = 4;
  byte ALARM = 5;

  record Put(PutRequest request) implements Command {}

  record DeleteRange(DeleteRangeRequest request) implements Command {}

  record Txn(TxnRequest request) implements Command {}

  record Compact(CompactionRequest request) implements Command {}

  record Alarm(AlarmRequest request) implements Command {}

  /** The log form of this command. */
  default byte[] encode() {
    byte type;
    MessageLite message;
    if (this instanceof Put p) {
      type = PUT;
      message = p.request();
    } else if (this instanceof DeleteRange d) {
      type = DELETE_RANGE;
      message = d.request();
    } else if (this instanceof Txn t) {
      type = TXN;
      message = t.request();
    } else if (this instanceof Compact c) {
      type = COMPACT;
      message = c.request();
    } else {
      type = ALARM;
      message = ((Alarm) this).request();
    }
    byte[] body = message.toByteArray();
    byte[] out = new byte[body.length + 1];
    out[0] = type;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  /** Reads the log form; a corrupt entry is a bug or disk damage, never a client error. */
  static Command decode(byte[] data) {
    if (data.length == 0) {
      throw new IllegalArgumentException("empty command");
    }
    try {
      byte[] body = java.util.Arrays.copyOfRange(data, 1, data.length);
      return switch (data[0]) {
        case PUT -> new Put(PutRequest.parseFrom(body));
        case DELETE_RANGE -> new DeleteRange(DeleteRangeRequest.parseFrom(body));
        case TXN -> new Txn(TxnRequest.parseFrom(body));
        case COMPACT -> new Compact(CompactionRequest.parseFrom(body));
        case ALARM -> new Alarm(AlarmRequest.parseFrom(body));
        default -> throw new IllegalArgumentException("unknown command type " + data[0]);
      };
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("corrupt command: " + e.getMessage(), e);
    }
  }
}
