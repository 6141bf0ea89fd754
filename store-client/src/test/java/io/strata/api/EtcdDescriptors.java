package io.strata.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two sets of etcd API descriptors under test: etcd's own (as generated into jetcd) and ours,
 * plus a filler that sets every field of a message to a non-default value.
 */
final class EtcdDescriptors {

  private EtcdDescriptors() {}

  /** etcd's files as jetcd compiled them: rpc, kv, auth, election, lock. */
  static List<FileDescriptor> etcdFiles() {
    return withDependencies(
        List.of(
            io.etcd.jetcd.api.RangeRequest.getDescriptor().getFile(),
            io.etcd.jetcd.api.CampaignRequest.getDescriptor().getFile(),
            io.etcd.jetcd.api.lock.LockRequest.getDescriptor().getFile()));
  }

  /** Strata's files: rpc, kv, auth, election, lock. */
  static List<FileDescriptor> ourFiles() {
    return withDependencies(
        List.of(
            io.strata.api.etcdserverpb.RpcProto.getDescriptor(),
            io.strata.api.v3electionpb.V3ElectionProto.getDescriptor(),
            io.strata.api.v3lockpb.V3LockProto.getDescriptor()));
  }

  private static List<FileDescriptor> withDependencies(List<FileDescriptor> roots) {
    Map<String, FileDescriptor> all = new LinkedHashMap<>();
    List<FileDescriptor> todo = new ArrayList<>(roots);
    while (!todo.isEmpty()) {
      FileDescriptor f = todo.remove(todo.size() - 1);
      if (all.putIfAbsent(f.getName(), f) == null) {
        todo.addAll(f.getDependencies());
      }
    }
    return List.copyOf(all.values());
  }

  /** Every top-level message type of {@code files}, by proto full name. */
  static Map<String, Descriptor> messages(List<FileDescriptor> files) {
    Map<String, Descriptor> out = new LinkedHashMap<>();
    for (FileDescriptor f : files) {
      for (Descriptor d : f.getMessageTypes()) {
        out.put(d.getFullName(), d);
      }
    }
    return out;
  }

  /** Every enum type (top-level and nested in messages) of {@code files}, by proto full name. */
  static Map<String, EnumDescriptor> enums(List<FileDescriptor> files) {
    Map<String, EnumDescriptor> out = new LinkedHashMap<>();
    for (FileDescriptor f : files) {
      for (EnumDescriptor e : f.getEnumTypes()) {
        out.put(e.getFullName(), e);
      }
      for (Descriptor d : f.getMessageTypes()) {
        for (EnumDescriptor e : d.getEnumTypes()) {
          out.put(e.getFullName(), e);
        }
      }
    }
    return out;
  }

  /** Whether {@code type} can contain itself (as TxnRequest does through RequestOp). */
  static boolean isRecursive(Descriptor type) {
    return reaches(type, type, new HashSet<>());
  }

  private static boolean reaches(Descriptor from, Descriptor target, Set<String> seen) {
    for (FieldDescriptor f : from.getFields()) {
      if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      Descriptor next = f.getMessageType();
      if (next == target) {
        return true;
      }
      if (seen.add(next.getFullName()) && reaches(next, target, seen)) {
        return true;
      }
    }
    return false;
  }

  /** How many fill variants {@code type} needs so that every oneof member is set in one. */
  static int variants(Descriptor type) {
    int n = 1;
    for (OneofDescriptor o : type.getRealOneofs()) {
      n = Math.max(n, o.getFieldCount());
    }
    return n;
  }

  /**
   * Sets every field of {@code b} to a non-default value, recursing into messages up to {@code
   * depth} levels. In each oneof, member {@code variant % memberCount} is the one set.
   */
  static Message.Builder fill(Message.Builder b, int variant, int depth) {
    for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
      OneofDescriptor oneof = f.getRealContainingOneof();
      if (oneof != null && oneof.getField(variant % oneof.getFieldCount()) != f) {
        continue;
      }
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (depth == 0) {
          continue;
        }
        int count = f.isRepeated() ? 2 : 1;
        for (int i = 0; i < count; i++) {
          Message nested = fill(b.newBuilderForField(f), variant + i, depth - 1).build();
          if (f.isRepeated()) {
            b.addRepeatedField(f, nested);
          } else {
            b.setField(f, nested);
          }
        }
      } else if (f.isRepeated()) {
        b.addRepeatedField(f, value(f, 0));
        b.addRepeatedField(f, value(f, 1));
      } else {
        b.setField(f, value(f, 0));
      }
    }
    return b;
  }

  /** A non-default value for {@code f}; {@code index} varies it between repeated elements. */
  private static Object value(FieldDescriptor f, int index) {
    int n = f.getNumber() + 100 * index;
    return switch (f.getType()) {
      case BOOL -> true;
      // negative too: 10-byte varints
      case INT64, SINT64, SFIXED64 -> (n % 2 == 0 ? -1L : 1L) * (n * 1_000_000_007L);
      // top bit set: above Long.MAX_VALUE unsigned
      case UINT64, FIXED64 -> 0x8000_0000_0000_0000L | n;
      case INT32, SINT32, SFIXED32 -> -(n * 7919);
      case UINT32, FIXED32 -> 0x8000_0000 | n;
      case STRING -> f.getName() + "-" + n + "-\u00fc\u2713";
      case BYTES ->
          ByteString.copyFrom(
              new byte[] {0, (byte) 0xff, (byte) n, 'k', (byte) 0x80}, 0, 5 - index);
      case ENUM -> {
        List<EnumValueDescriptor> values = f.getEnumType().getValues();
        // The highest value is non-zero; the second element also covers zero inside a list.
        yield index == 0 ? values.get(values.size() - 1) : values.get(0);
      }
      default -> throw new IllegalArgumentException("etcd's API does not use " + f.getType());
    };
  }
}
