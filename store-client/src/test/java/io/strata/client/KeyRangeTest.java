package io.strata.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class KeyRangeTest {
  @Test
  void prefixEnd_incrementsLastByte() {
    assertThat(KeyRange.prefixEnd(ByteString.copyFromUtf8("aa")))
        .isEqualTo(ByteString.copyFromUtf8("ab"));
  }

  @Test
  void prefixEnd_dropsTrailingFf() {
    assertThat(KeyRange.prefixEnd(ByteString.copyFrom(new byte[] {'a', (byte) 0xff})))
        .isEqualTo(ByteString.copyFromUtf8("b"));
  }

  @Test
  void prefixEnd_allFf_isEveryKey() {
    assertThat(KeyRange.prefixEnd(ByteString.copyFrom(new byte[] {(byte) 0xff})))
        .isEqualTo(ByteString.copyFrom(new byte[] {0}));
  }

  @Test
  void getOptions_prefix_setsRangeEnd() {
    var r =
        GetOptions.builder().prefix(true).limit(3).build().toRequest(ByteString.copyFromUtf8("k"));
    assertThat(r.getRangeEnd()).isEqualTo(ByteString.copyFromUtf8("l"));
    assertThat(r.getLimit()).isEqualTo(3);
  }
}
