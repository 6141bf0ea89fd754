package io.strata.client.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.api.etcdserverpb.ResponseOp;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.api.mvccpb.KeyValue;
import org.junit.jupiter.api.Test;

/** etcdctl's JSON: proto names, zero values omitted, base64 bytes, CamelCase oneofs, uint64. */
class GoJsonTest {
  @Test
  void rangeResponse_likeEtcdctl() {
    RangeResponse r =
        RangeResponse.newBuilder()
            .setHeader(ResponseHeader.newBuilder().setClusterId(-1).setRevision(2))
            .addKvs(
                KeyValue.newBuilder()
                    .setKey(ByteString.copyFromUtf8("foo"))
                    .setCreateRevision(2)
                    .setModRevision(2)
                    .setVersion(1)
                    .setValue(ByteString.copyFromUtf8("bar")))
            .setCount(1)
            .build();
    assertThat(GoJson.of(r))
        .isEqualTo(
            "{\"header\":{\"cluster_id\":18446744073709551615,\"revision\":2},\"kvs\":[{\"key\":\"Zm9v\","
                + "\"create_revision\":2,\"mod_revision\":2,\"version\":1,\"value\":\"YmFy\"}],\"count\":1}");
  }

  @Test
  void txnResponse_oneofAsGoStruct() {
    TxnResponse r =
        TxnResponse.newBuilder()
            .addResponses(
                ResponseOp.newBuilder()
                    .setResponseRange(
                        RangeResponse.newBuilder()
                            .setHeader(ResponseHeader.newBuilder().setRevision(9))))
            .build();
    assertThat(GoJson.of(r))
        .isEqualTo(
            "{\"responses\":[{\"Response\":{\"ResponseRange\":{\"header\":{\"revision\":9}}}}]}");
  }
}
