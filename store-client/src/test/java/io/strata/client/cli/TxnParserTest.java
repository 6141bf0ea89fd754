package io.strata.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.api.etcdserverpb.Compare;
import io.strata.api.etcdserverpb.RequestOp;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxnParserTest {
  @Test
  void compares_etcdctlSyntax_parsed() {
    List<Compare> c =
        TxnParser.compares(
            List.of("mod(\"a\") = \"0\"", "value(\"k\") != \"v 1\"", "ver(\"x\") > 2"));
    assertThat(c.get(0).getTarget()).isEqualTo(Compare.CompareTarget.MOD);
    assertThat(c.get(0).getModRevision()).isZero();
    assertThat(c.get(1).getResult()).isEqualTo(Compare.CompareResult.NOT_EQUAL);
    assertThat(c.get(1).getValue().toStringUtf8()).isEqualTo("v 1");
    assertThat(c.get(2).getVersion()).isEqualTo(2);
  }

  @Test
  void compares_malformed_refused() {
    assertThatThrownBy(() -> TxnParser.compares(List.of("nonsense")))
        .isInstanceOf(CtlException.class)
        .hasMessage("malformed comparison: nonsense");
  }

  @Test
  void ops_putGetDel_withFlagsAndQuotes() {
    List<RequestOp> ops =
        TxnParser.ops(List.of("put \"a b\" 1 --prev-kv", "get a --prefix", "del x y"));
    assertThat(ops.get(0).getRequestPut().getKey().toStringUtf8()).isEqualTo("a b");
    assertThat(ops.get(0).getRequestPut().getPrevKv()).isTrue();
    assertThat(ops.get(1).getRequestRange().getRangeEnd().toStringUtf8()).isEqualTo("b");
    assertThat(ops.get(2).getRequestDeleteRange().getRangeEnd().toStringUtf8()).isEqualTo("y");
  }
}
