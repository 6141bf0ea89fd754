package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class KubernetesMixTest {

  @Test
  void prefixEnd_incrementsTheLastByteBelow0xff() {
    assertThat(KubernetesMix.prefixEnd(ByteString.copyFromUtf8("/registry/a/")))
        .isEqualTo(ByteString.copyFromUtf8("/registry/a0"));
    assertThat(KubernetesMix.prefixEnd(ByteString.copyFrom(new byte[] {1, (byte) 0xff})))
        .isEqualTo(ByteString.copyFrom(new byte[] {2}));
  }

  @Test
  void prefixEnd_all0xff_isEtcdsWholeKeySpace() {
    assertThat(KubernetesMix.prefixEnd(ByteString.copyFrom(new byte[] {(byte) 0xff})))
        .isEqualTo(ByteString.copyFrom(new byte[] {0}));
  }
}
