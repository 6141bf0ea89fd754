package io.strata.api;

import static io.strata.api.WireAssertions.assertEveryFieldSet;
import static io.strata.api.WireAssertions.assertWireCompatible;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message type of etcd's API that jetcd carries, filled with non-default values in every
 * field (one variant per oneof member), round-trips byte for byte through our classes.
 */
class EveryEtcdMessageWireTest {

  /** Deep enough for TxnRequest → RequestOp → TxnRequest → RequestOp → RangeRequest. */
  private static final int DEPTH = 4;

  static List<Arguments> etcdMessages() {
    List<Arguments> out = new ArrayList<>();
    for (Descriptor type : EtcdDescriptors.messages(EtcdDescriptors.etcdFiles()).values()) {
      for (int v = 0; v < EtcdDescriptors.variants(type); v++) {
        out.add(Arguments.of(type.getFullName(), v, type));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} variant {1}")
  @MethodSource("etcdMessages")
  void message_everyFieldSet_roundTrips(String name, int variant, Descriptor etcdType) {
    Message etcd =
        EtcdDescriptors.fill(WireAssertions.generatedBuilder(etcdType), variant, DEPTH).build();
    if (!EtcdDescriptors.isRecursive(etcdType)) {
      assertEveryFieldSet(etcd); // only recursive types (Txn, nested ops) are cut at DEPTH
    }

    assertWireCompatible(etcd);
  }
}
