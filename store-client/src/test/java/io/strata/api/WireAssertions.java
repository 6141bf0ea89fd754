package io.strata.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import java.util.List;
import java.util.Map;

/**
 * Checks that a message built with etcd's own generated classes (the copy jetcd ships under {@code
 * io.etcd.jetcd.api}) and the same message in Strata's generated classes ({@code io.strata.api})
 * are the same thing on the wire.
 *
 * <p>Our counterpart of an etcd message is found by its proto full name (for example {@code
 * etcdserverpb.RangeRequest} maps to {@code io.strata.api.etcdserverpb.RangeRequest}), never by
 * hand, so a missing or misnamed message fails the check.
 */
final class WireAssertions {

  private WireAssertions() {}

  /**
   * Serializes {@code etcd}, parses the bytes with our class and checks that every field was
   * understood and re-serializes to the same bytes; then builds our message independently by field
   * name, checks it encodes to the same bytes, and that etcd's class reads those bytes back into
   * the original.
   *
   * @return our parsed message, for further assertions
   */
  static Message assertWireCompatible(Message etcd) {
    byte[] etcdBytes = etcd.toByteArray();
    Message ours = parseAsOurs(etcd.getDescriptorForType(), etcdBytes);
    assertNoUnknownFields(ours, ours.getDescriptorForType().getFullName());
    assertThat(ours.toByteArray())
        .as("our re-encoding of %s", etcd.getDescriptorForType().getFullName())
        .isEqualTo(etcdBytes);

    Message builtByName = copyByFieldName(etcd, ourBuilder(etcd.getDescriptorForType())).build();
    assertThat(builtByName).as("built by field name == parsed by field number").isEqualTo(ours);
    byte[] ourBytes = builtByName.toByteArray();
    assertThat(ourBytes).as("our encoding").isEqualTo(etcdBytes);

    Message back;
    try {
      back = etcd.getParserForType().parseFrom(ourBytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("etcd's class cannot parse our bytes", e);
    }
    assertNoUnknownFields(back, etcd.getDescriptorForType().getFullName());
    assertThat(back).as("etcd's decoding of our bytes").isEqualTo(etcd);
    return ours;
  }

  /** Fails unless every field of every message reachable from {@code m} is set. */
  static void assertEveryFieldSet(MessageOrBuilder m) {
    assertEveryFieldSet(m, m.getDescriptorForType().getName());
  }

  private static void assertEveryFieldSet(MessageOrBuilder m, String path) {
    for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
      String fieldPath = path + "." + f.getName();
      if (f.getRealContainingOneof() != null) {
        if (m.getOneofFieldDescriptor(f.getRealContainingOneof()) != f) {
          continue; // another member of the oneof is the set one
        }
      }
      if (f.isRepeated()) {
        assertThat(m.getRepeatedFieldCount(f)).as(fieldPath).isPositive();
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
            assertEveryFieldSet((Message) m.getRepeatedField(f, i), fieldPath + "[" + i + "]");
          }
        }
      } else {
        assertThat(m.hasField(f)).as("%s is set to a non-default value", fieldPath).isTrue();
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          assertEveryFieldSet((Message) m.getField(f), fieldPath);
        }
      }
    }
    for (var oneof : m.getDescriptorForType().getRealOneofs()) {
      assertThat(m.hasOneof(oneof)).as("%s.%s has a member set", path, oneof.getName()).isTrue();
    }
  }

  /** Fails if {@code m} or any message inside it carries fields its class does not know. */
  static void assertNoUnknownFields(MessageOrBuilder m, String path) {
    assertThat(m.getUnknownFields().asMap()).as("unknown fields in %s", path).isEmpty();
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (f.isRepeated()) {
        List<?> values = (List<?>) e.getValue();
        for (int i = 0; i < values.size(); i++) {
          assertNoUnknownFields((Message) values.get(i), path + "." + f.getName() + "[" + i + "]");
        }
      } else {
        assertNoUnknownFields((Message) e.getValue(), path + "." + f.getName());
      }
    }
  }

  /** Parses {@code bytes} with our generated class for the proto message {@code type}. */
  static Message parseAsOurs(Descriptor type, byte[] bytes) {
    try {
      return ourBuilder(type).build().getParserForType().parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("our class cannot parse " + type.getFullName(), e);
    }
  }

  /** A builder of our generated class for the proto message with {@code type}'s full name. */
  static Message.Builder ourBuilder(Descriptor type) {
    return newBuilder(ourJavaClassName(type));
  }

  /** A builder of the generated class that {@code type} was compiled into. */
  static Message.Builder generatedBuilder(Descriptor type) {
    String javaPackage = type.getFile().getOptions().getJavaPackage();
    return newBuilder(javaPackage + "." + type.getName());
  }

  /** etcd's proto packages map one to one onto {@code io.strata.api.<package>}. */
  static String ourJavaClassName(Descriptor type) {
    if (type.getContainingType() != null) {
      throw new IllegalArgumentException(
          "etcd's API has no nested messages: " + type.getFullName());
    }
    return "io.strata.api." + type.getFile().getPackage() + "." + type.getName();
  }

  // A generated class that is missing or lacks newBuilder() fails the test that needs it: an
  // AssertionError reports that as a test failure, which is what it is.
  @SuppressWarnings("RethrowReflectiveOperationExceptionAsLinkageError")
  private static Message.Builder newBuilder(String className) {
    try {
      Class<?> c = Class.forName(className);
      return (Message.Builder) c.getMethod("newBuilder").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("no generated message class " + className, e);
    }
  }

  /**
   * Copies every set field of {@code from} into {@code to}, matching fields by name and checking
   * that number and type agree, so the copy does not rely on field numbers being right.
   */
  static Message.Builder copyByFieldName(MessageOrBuilder from, Message.Builder to) {
    Descriptor target = to.getDescriptorForType();
    for (Map.Entry<FieldDescriptor, Object> e : from.getAllFields().entrySet()) {
      FieldDescriptor src = e.getKey();
      FieldDescriptor dst = target.findFieldByName(src.getName());
      if (dst == null) {
        fail("%s has no field named %s", target.getFullName(), src.getName());
        return to;
      }
      assertThat(dst.getNumber()).as("number of %s", dst.getFullName()).isEqualTo(src.getNumber());
      assertThat(dst.getType()).as("type of %s", dst.getFullName()).isEqualTo(src.getType());
      assertThat(dst.isRepeated()).as("repeated %s", dst.getFullName()).isEqualTo(src.isRepeated());
      if (src.isRepeated()) {
        for (Object v : (List<?>) e.getValue()) {
          to.addRepeatedField(dst, convertValue(src, dst, v, to));
        }
      } else {
        to.setField(dst, convertValue(src, dst, e.getValue(), to));
      }
    }
    return to;
  }

  private static Object convertValue(
      FieldDescriptor src, FieldDescriptor dst, Object value, Message.Builder owner) {
    return switch (src.getJavaType()) {
      case MESSAGE -> copyByFieldName((Message) value, owner.newBuilderForField(dst)).build();
      case ENUM -> {
        int number = ((EnumValueDescriptor) value).getNumber();
        EnumValueDescriptor ours = dst.getEnumType().findValueByNumber(number);
        assertThat(ours).as("%s has value %d", dst.getEnumType().getFullName(), number).isNotNull();
        assertThat(ours.getName()).isEqualTo(((EnumValueDescriptor) value).getName());
        yield ours;
      }
      default -> value; // scalars, strings and ByteString are shared runtime types
    };
  }
}
