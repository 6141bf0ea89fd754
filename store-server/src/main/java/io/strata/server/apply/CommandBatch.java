package io.strata.server.apply;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Several KV commands in one Raft log entry, and their replies in one reply.
 *
 * <p>Why: every Raft entry costs each member the same fixed work (Ratis's request and log-entry
 * objects, an appendEntries message, a log write, a store commit), whatever it carries. When
 * clients write faster than the cluster commits, the leader sends the writes waiting meanwhile as
 * one entry (see {@code raft.ProposalBatcher}), and that cost is paid once for all of them.
 *
 * <p>The commands keep their own revisions and their own replies: they are applied one after
 * another, in order, in one store write with the entry's index, exactly as if each had been its own
 * entry, so a command that etcd refuses changes nothing and the others go on. Only Put, DeleteRange
 * and Txn travel in batches ({@link #batchable}); everything else changes more than keys and stays
 * alone in its entry.
 *
 * <p>The log form: the type byte {@link Command#BATCH}, then each command's own log form preceded
 * by its length as a protobuf varint. The reply: each command's {@link Reply} the same way, without
 * a type byte.
 */
public final class CommandBatch {
  private static final int NO_TYPE = -1;

  private CommandBatch() {}

  /** Whether {@code command} (a log form) may share an entry with others. */
  public static boolean batchable(byte[] command) {
    return command.length > 0
        && (command[0] == Command.PUT
            || command[0] == Command.DELETE_RANGE
            || command[0] == Command.TXN);
  }

  /** Whether {@code data} (a log entry) is a batch. */
  public static boolean isBatch(byte[] data) {
    return data.length > 0 && data[0] == Command.BATCH;
  }

  /** The log form of {@code commands}, each {@link #batchable}. */
  public static byte[] encode(List<byte[]> commands) {
    for (byte[] c : commands) {
      if (!batchable(c)) {
        throw new IllegalArgumentException("command type " + c[0] + " cannot be batched");
      }
    }
    return frame(Command.BATCH, commands);
  }

  /** The commands of a batch entry, in order; a malformed entry is a bug or disk damage. */
  public static List<byte[]> decode(byte[] data) {
    if (!isBatch(data)) {
      throw new IllegalArgumentException("not a command batch");
    }
    List<byte[]> commands = unframe(data, 1);
    for (byte[] c : commands) {
      if (!batchable(c)) {
        throw new IllegalArgumentException("corrupt command batch: a command of type " + c[0]);
      }
    }
    return commands;
  }

  /** The reply of a batch: the commands' replies, in order. */
  public static byte[] encodeReplies(List<byte[]> replies) {
    return frame(NO_TYPE, replies);
  }

  /** The replies of a batch, in the order of its commands. */
  public static List<byte[]> decodeReplies(byte[] data) {
    return unframe(data, 0);
  }

  private static byte[] frame(int type, List<byte[]> parts) {
    int size = type == NO_TYPE ? 0 : 1;
    for (byte[] p : parts) {
      size += CodedOutputStream.computeUInt32SizeNoTag(p.length) + p.length;
    }
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      if (type != NO_TYPE) {
        o.write((byte) type);
      }
      for (byte[] p : parts) {
        o.writeUInt32NoTag(p.length);
        o.writeRawBytes(p);
      }
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("sized wrong: " + e.getMessage(), e);
    }
    return out;
  }

  private static List<byte[]> unframe(byte[] data, int from) {
    CodedInputStream in = CodedInputStream.newInstance(data, from, data.length - from);
    List<byte[]> parts = new ArrayList<>();
    try {
      while (!in.isAtEnd()) {
        int length = in.readUInt32();
        if (length < 0 || length > data.length) {
          throw new IllegalArgumentException("corrupt command batch: a part of " + length + " B");
        }
        parts.add(in.readRawBytes(length));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt command batch: " + e.getMessage(), e);
    }
    return parts;
  }
}
