package io.strata.client.cli.output;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import java.util.Base64;
import java.util.List;

/**
 * Renders etcd's messages the way etcdctl's JSON output does: Go's encoding/json over the gogoproto
 * structs. Keys are the proto field names, every zero value is omitted ({@code omitempty}), enums
 * are numbers, bytes are standard base64, and a oneof becomes {@code {"Oneof":{"FieldName":...}}}
 * with Go's CamelCase names.
 */
public final class GoJson {
  private GoJson() {}

  public static String of(Message m) {
    StringBuilder sb = new StringBuilder();
    message(sb, m);
    return sb.toString();
  }

  static void message(StringBuilder sb, Message m) {
    sb.append('{');
    boolean first = true;
    for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
      OneofDescriptor oneof = f.getRealContainingOneof();
      if (f.isRepeated()) {
        if (m.getRepeatedFieldCount(f) == 0) {
          continue;
        }
      } else if (f.hasPresence()) {
        if (!m.hasField(f)) {
          continue;
        }
      } else if (isZero(m.getField(f))) {
        continue;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      if (oneof != null) {
        string(sb, camel(oneof.getName()));
        sb.append(":{");
        string(sb, camel(f.getName()));
        sb.append(':');
        value(sb, f, m.getField(f));
        sb.append('}');
      } else {
        string(sb, f.getName());
        sb.append(':');
        value(sb, f, m.getField(f));
      }
    }
    sb.append('}');
  }

  private static boolean isZero(Object v) {
    if (v instanceof Number n) {
      return n.longValue() == 0 && n.doubleValue() == 0;
    }
    if (v instanceof Boolean b) {
      return !b;
    }
    if (v instanceof String s) {
      return s.isEmpty();
    }
    if (v instanceof ByteString b) {
      return b.isEmpty();
    }
    if (v instanceof EnumValueDescriptor e) {
      return e.getNumber() == 0;
    }
    return false;
  }

  private static void value(StringBuilder sb, FieldDescriptor f, Object v) {
    if (f.isRepeated()) {
      sb.append('[');
      List<?> list = (List<?>) v;
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        scalar(sb, f, list.get(i));
      }
      sb.append(']');
    } else {
      scalar(sb, f, v);
    }
  }

  private static void scalar(StringBuilder sb, FieldDescriptor f, Object v) {
    if (v instanceof Message m) {
      message(sb, m);
    } else if (v instanceof ByteString b) {
      string(sb, Base64.getEncoder().encodeToString(b.toByteArray()));
    } else if (v instanceof String s) {
      string(sb, s);
    } else if (v instanceof EnumValueDescriptor e) {
      sb.append(e.getNumber());
    } else if (v instanceof Long l
        && (f.getType() == FieldDescriptor.Type.UINT64
            || f.getType() == FieldDescriptor.Type.FIXED64)) {
      sb.append(Long.toUnsignedString(l)); // member and cluster ids use all 64 bits
    } else {
      sb.append(v);
    }
  }

  /** Go's JSON string: quotes, backslashes and control characters escaped, plus {@code <>&}. */
  public static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '<', '>', '&' -> sb.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** {@code response_range} becomes {@code ResponseRange}, {@code Response} stays. */
  static String camel(String name) {
    StringBuilder sb = new StringBuilder();
    boolean upper = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_') {
        upper = true;
      } else {
        sb.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return sb.toString();
  }
}
