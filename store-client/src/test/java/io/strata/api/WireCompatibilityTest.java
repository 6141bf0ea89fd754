package io.strata.api;

import static io.strata.api.WireAssertions.assertEveryFieldSet;
import static io.strata.api.WireAssertions.assertWireCompatible;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.AlarmMember;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.CampaignResponse;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaderKey;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.LeaderResponse;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResignRequest;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.SnapshotResponse;
import io.etcd.jetcd.api.StatusResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchCancelRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.api.lock.LockResponse;
import io.etcd.jetcd.api.lock.UnlockRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Representative etcd messages, built with etcd's generated classes (from jetcd) and every field
 * set, must survive a round trip through Strata's classes byte for byte, in both directions.
 *
 * <p>jetcd's copy of etcd's protos predates some etcd 3.4–3.6 fields (for example {@code
 * StatusResponse.raftAppliedIndex}); those are pinned by {@link EtcdSchemaTest} instead.
 */
class WireCompatibilityTest {

  private static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  /** Binary, non-UTF-8 bytes: keys and values in etcd are arbitrary bytes. */
  private static final ByteString BINARY = ByteString.copyFrom(new byte[] {0, (byte) 0xff, 1, 'k'});

  private static ResponseHeader header() {
    return ResponseHeader.newBuilder()
        .setClusterId(0xcdf818194e3a8c32L) // uint64 with the top bit set
        .setMemberId(0x8e9e05c52164694dL)
        .setRevision(1_234_567_890_123L)
        .setRaftTerm(42)
        .build();
  }

  private static KeyValue kv(String key, long modRevision) {
    return KeyValue.newBuilder()
        .setKey(bytes(key))
        .setCreateRevision((modRevision + 1) / 2)
        .setModRevision(modRevision)
        .setVersion(6)
        .setValue(BINARY)
        .setLease(0x694d77aa9e38260fL)
        .build();
  }

  private static RangeRequest fullRange() {
    return RangeRequest.newBuilder()
        .setKey(bytes("/registry/pods/"))
        .setRangeEnd(bytes("/registry/pods0"))
        .setLimit(500)
        .setRevision(987_654)
        .setSortOrder(RangeRequest.SortOrder.DESCEND)
        .setSortTarget(RangeRequest.SortTarget.MOD)
        .setSerializable(true)
        .setKeysOnly(true)
        .setCountOnly(true)
        .setMinModRevision(10)
        .setMaxModRevision(20)
        .setMinCreateRevision(30)
        .setMaxCreateRevision(40)
        .build();
  }

  private static PutRequest fullPut() {
    return PutRequest.newBuilder()
        .setKey(bytes("/registry/leases/kube-node-lease/node-1"))
        .setValue(BINARY)
        .setLease(7_587_861_234_567L)
        .setPrevKv(true)
        .setIgnoreValue(true)
        .setIgnoreLease(true)
        .build();
  }

  private static DeleteRangeRequest fullDelete() {
    return DeleteRangeRequest.newBuilder()
        .setKey(bytes("a"))
        .setRangeEnd(ByteString.copyFrom(new byte[] {0}))
        .setPrevKv(true)
        .build();
  }

  @Test
  void rangeRequest_everyField_roundTrips() {
    RangeRequest etcd = fullRange();
    assertEveryFieldSet(etcd);

    Message ours = assertWireCompatible(etcd);

    var range = (io.strata.api.etcdserverpb.RangeRequest) ours;
    assertThat(range.getSortOrder())
        .isEqualTo(io.strata.api.etcdserverpb.RangeRequest.SortOrder.DESCEND);
    assertThat(range.getSortTarget())
        .isEqualTo(io.strata.api.etcdserverpb.RangeRequest.SortTarget.MOD);
    assertThat(range.getMaxCreateRevision()).isEqualTo(40);
  }

  @Test
  void rangeResponse_withKvs_roundTrips() {
    RangeResponse etcd =
        RangeResponse.newBuilder()
            .setHeader(header())
            .addKvs(kv("/registry/pods/default/a", 100))
            .addKvs(kv("/registry/pods/default/b", 101))
            .setMore(true)
            .setCount(1_000_000)
            .build();
    assertEveryFieldSet(etcd);

    var ours = (io.strata.api.etcdserverpb.RangeResponse) assertWireCompatible(etcd);

    assertThat(ours.getKvs(1).getKey().toStringUtf8()).isEqualTo("/registry/pods/default/b");
    assertThat(ours.getHeader().getClusterId()).isEqualTo(0xcdf818194e3a8c32L);
  }

  @Test
  void putRequestAndResponse_everyField_roundTrip() {
    PutRequest request = fullPut();
    assertEveryFieldSet(request);
    assertWireCompatible(request);

    PutResponse response =
        PutResponse.newBuilder().setHeader(header()).setPrevKv(kv("k", 9)).build();
    assertEveryFieldSet(response);
    assertWireCompatible(response);
  }

  @Test
  void txnRequest_everyCompareTargetAndNestedOps_roundTrips() {
    // VERSION and EQUAL are the zero values, so not every field is "set" here on purpose.
    TxnRequest inner =
        TxnRequest.newBuilder()
            .addCompare(
                Compare.newBuilder()
                    .setKey(bytes("inner"))
                    .setTarget(Compare.CompareTarget.VERSION)
                    .setResult(Compare.CompareResult.GREATER)
                    .setVersion(3))
            .addSuccess(RequestOp.newBuilder().setRequestRange(fullRange()))
            .addFailure(RequestOp.newBuilder().setRequestPut(fullPut()))
            .build();
    TxnRequest etcd =
        TxnRequest.newBuilder()
            .addCompare(
                Compare.newBuilder()
                    .setResult(Compare.CompareResult.EQUAL)
                    .setTarget(Compare.CompareTarget.VERSION)
                    .setKey(bytes("v"))
                    .setVersion(7)
                    .setRangeEnd(bytes("w")))
            .addCompare(
                Compare.newBuilder()
                    .setResult(Compare.CompareResult.GREATER)
                    .setTarget(Compare.CompareTarget.CREATE)
                    .setKey(bytes("c"))
                    .setCreateRevision(11))
            .addCompare(
                Compare.newBuilder()
                    .setResult(Compare.CompareResult.LESS)
                    .setTarget(Compare.CompareTarget.MOD)
                    .setKey(bytes("/registry/configmaps/default/x"))
                    .setModRevision(0)) // kube-apiserver's create-if-absent guard
            .addCompare(
                Compare.newBuilder()
                    .setResult(Compare.CompareResult.NOT_EQUAL)
                    .setTarget(Compare.CompareTarget.VALUE)
                    .setKey(bytes("val"))
                    .setValue(BINARY)
                    .setRangeEnd(ByteString.copyFrom(new byte[] {0})))
            .addSuccess(RequestOp.newBuilder().setRequestRange(fullRange()))
            .addSuccess(RequestOp.newBuilder().setRequestPut(fullPut()))
            .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(fullDelete()))
            .addSuccess(RequestOp.newBuilder().setRequestTxn(inner))
            .addFailure(RequestOp.newBuilder().setRequestDeleteRange(fullDelete()))
            .addFailure(RequestOp.newBuilder().setRequestTxn(inner))
            .build();

    var ours = (io.strata.api.etcdserverpb.TxnRequest) assertWireCompatible(etcd);

    assertThat(ours.getCompareList())
        .extracting(c -> c.getTarget().name())
        .containsExactly("VERSION", "CREATE", "MOD", "VALUE");
    assertThat(ours.getCompare(2).getTargetUnionCase().name()).isEqualTo("MOD_REVISION");
    assertThat(ours.getSuccessList())
        .extracting(op -> op.getRequestCase().name())
        .containsExactly("REQUEST_RANGE", "REQUEST_PUT", "REQUEST_DELETE_RANGE", "REQUEST_TXN");
    assertThat(ours.getSuccess(3).getRequestTxn().getFailure(0).getRequestPut().getIgnoreLease())
        .isTrue();
  }

  @Test
  void compare_leaseTarget_usesEtcdNumbers() {
    // jetcd's protos predate Compare.LEASE (target 4, union field 8, etcd 3.3): write those
    // numbers raw and check that our class reads them as the lease target.
    Compare etcd =
        Compare.newBuilder()
            .setResult(Compare.CompareResult.GREATER)
            .setTargetValue(4)
            .setKey(bytes("leased"))
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(8, UnknownFieldSet.Field.newBuilder().addVarint(7_587_861L).build())
                    .build())
            .build();

    var ours =
        (io.strata.api.etcdserverpb.Compare)
            WireAssertions.parseAsOurs(etcd.getDescriptorForType(), etcd.toByteArray());

    WireAssertions.assertNoUnknownFields(ours, "Compare");
    assertThat(ours.getTarget()).isEqualTo(io.strata.api.etcdserverpb.Compare.CompareTarget.LEASE);
    assertThat(ours.getLease()).isEqualTo(7_587_861L);
    assertThat(ours.toByteArray()).isEqualTo(etcd.toByteArray());
  }

  @Test
  void txnResponse_everyResponseKind_roundTrips() {
    TxnResponse inner =
        TxnResponse.newBuilder()
            .setHeader(header())
            .setSucceeded(true)
            .addResponses(
                ResponseOp.newBuilder()
                    .setResponsePut(
                        PutResponse.newBuilder().setHeader(header()).setPrevKv(kv("p", 3))))
            .build();
    TxnResponse etcd =
        TxnResponse.newBuilder()
            .setHeader(header())
            .setSucceeded(true)
            .addResponses(
                ResponseOp.newBuilder()
                    .setResponseRange(
                        RangeResponse.newBuilder()
                            .setHeader(header())
                            .addKvs(kv("r", 4))
                            .setMore(true)
                            .setCount(2)))
            .addResponses(
                ResponseOp.newBuilder()
                    .setResponsePut(
                        PutResponse.newBuilder().setHeader(header()).setPrevKv(kv("p", 5))))
            .addResponses(
                ResponseOp.newBuilder()
                    .setResponseDeleteRange(
                        io.etcd.jetcd.api.DeleteRangeResponse.newBuilder()
                            .setHeader(header())
                            .setDeleted(2)
                            .addPrevKvs(kv("d1", 6))
                            .addPrevKvs(kv("d2", 7))))
            .addResponses(ResponseOp.newBuilder().setResponseTxn(inner))
            .build();
    assertEveryFieldSet(etcd);

    assertWireCompatible(etcd);
  }

  @Test
  void watchRequest_createCancelProgress_roundTrip() {
    WatchRequest create =
        WatchRequest.newBuilder()
            .setCreateRequest(
                WatchCreateRequest.newBuilder()
                    .setKey(bytes("/registry/pods/"))
                    .setRangeEnd(bytes("/registry/pods0"))
                    .setStartRevision(123_456)
                    .setProgressNotify(true)
                    .addFilters(WatchCreateRequest.FilterType.NODELETE)
                    .addFilters(WatchCreateRequest.FilterType.NOPUT)
                    .setPrevKv(true))
            .build();
    WatchRequest cancel =
        WatchRequest.newBuilder()
            .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(99))
            .build();
    WatchRequest progress =
        WatchRequest.newBuilder()
            .setProgressRequest(WatchProgressRequest.getDefaultInstance())
            .build();
    assertEveryFieldSet(create);
    assertEveryFieldSet(cancel);

    var ours = (io.strata.api.etcdserverpb.WatchRequest) assertWireCompatible(create);
    assertThat(ours.getCreateRequest().getFiltersList())
        .extracting(Enum::name)
        .containsExactly("NODELETE", "NOPUT");
    assertThat(
            ((io.strata.api.etcdserverpb.WatchRequest) assertWireCompatible(cancel))
                .getCancelRequest()
                .getWatchId())
        .isEqualTo(99);
    assertThat(
            ((io.strata.api.etcdserverpb.WatchRequest) assertWireCompatible(progress))
                .hasProgressRequest())
        .isTrue();
  }

  @Test
  void watchResponse_withEvents_roundTrips() {
    WatchResponse deletes =
        WatchResponse.newBuilder()
            .setHeader(header())
            .setWatchId(7)
            .setCreated(true)
            .setCanceled(true)
            .setCompactRevision(1000)
            .setCancelReason("etcdserver: mvcc: required revision has been compacted")
            .addEvents(
                Event.newBuilder()
                    .setType(Event.EventType.DELETE)
                    .setKv(kv("gone", 2000))
                    .setPrevKv(kv("gone", 1999)))
            .build();
    assertEveryFieldSet(deletes);
    assertWireCompatible(deletes);

    // PUT is the zero value of EventType; a realistic stream mixes both kinds.
    WatchResponse mixed =
        WatchResponse.newBuilder()
            .setHeader(header())
            .setWatchId(-1)
            .addEvents(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv("a", 10)))
            .addEvents(
                Event.newBuilder()
                    .setType(Event.EventType.PUT)
                    .setKv(kv("b", 10))
                    .setPrevKv(kv("b", 9)))
            .addEvents(Event.newBuilder().setType(Event.EventType.DELETE).setKv(kv("c", 10)))
            .build();
    var ours = (io.strata.api.etcdserverpb.WatchResponse) assertWireCompatible(mixed);
    assertThat(ours.getEventsList())
        .extracting(e -> e.getType().name())
        .containsExactly("PUT", "PUT", "DELETE");
    assertThat(ours.getWatchId()).isEqualTo(-1);
  }

  @Test
  void leaseGrant_requestAndResponse_roundTrip() {
    LeaseGrantRequest request = LeaseGrantRequest.newBuilder().setTTL(60).setID(0x1234L).build();
    LeaseGrantResponse response =
        LeaseGrantResponse.newBuilder()
            .setHeader(header())
            .setID(0x694d77aa9e38260fL)
            .setTTL(60)
            .setError("lease error")
            .build();
    assertEveryFieldSet(request);
    assertEveryFieldSet(response);

    var ours = (io.strata.api.etcdserverpb.LeaseGrantRequest) assertWireCompatible(request);
    assertThat(ours.getTTL()).isEqualTo(60);
    assertWireCompatible(response);
  }

  @Test
  void memberListResponse_roundTrips() {
    MemberListResponse etcd =
        MemberListResponse.newBuilder()
            .setHeader(header())
            .addMembers(
                Member.newBuilder()
                    .setID(0x8e9e05c52164694dL)
                    .setName("infra1")
                    .addPeerURLs("http://10.0.0.1:2380")
                    .addPeerURLs("http://[::1]:2380")
                    .addClientURLs("http://10.0.0.1:2379")
                    .setIsLearner(true))
            .addMembers(
                Member.newBuilder()
                    .setID(2)
                    .setName("infra2")
                    .addPeerURLs("http://10.0.0.2:2380")
                    .addClientURLs("https://10.0.0.2:2379")
                    .setIsLearner(true))
            .build();
    assertEveryFieldSet(etcd);

    var ours = (io.strata.api.etcdserverpb.MemberListResponse) assertWireCompatible(etcd);
    assertThat(ours.getMembers(0).getPeerURLsList()).hasSize(2);
  }

  @Test
  void maintenanceResponses_roundTrip() {
    StatusResponse status =
        StatusResponse.newBuilder()
            .setHeader(header())
            .setVersion("3.6.0")
            .setDbSize(25 * 1024 * 1024)
            .setLeader(0x8e9e05c52164694dL)
            .setRaftIndex(1_000_001)
            .setRaftTerm(5)
            .build();
    HashKVResponse hashKv =
        HashKVResponse.newBuilder()
            .setHeader(header())
            .setHash(0xfedcba98) // uint32 with the top bit set
            .setCompactRevision(500)
            .build();
    AlarmResponse alarms =
        AlarmResponse.newBuilder()
            .setHeader(header())
            .addAlarms(AlarmMember.newBuilder().setMemberID(1).setAlarm(AlarmType.NOSPACE))
            .addAlarms(AlarmMember.newBuilder().setMemberID(2).setAlarm(AlarmType.NOSPACE))
            .build();
    SnapshotResponse snapshot =
        SnapshotResponse.newBuilder()
            .setHeader(header())
            .setRemainingBytes(32 * 1024)
            .setBlob(BINARY)
            .build();
    for (Message m : new Message[] {status, hashKv, alarms, snapshot}) {
      assertEveryFieldSet(m);
      assertWireCompatible(m);
    }

    var ours =
        (io.strata.api.etcdserverpb.HashKVResponse)
            WireAssertions.parseAsOurs(hashKv.getDescriptorForType(), hashKv.toByteArray());
    assertThat(ours.getHash()).isEqualTo(0xfedcba98);
  }

  @Test
  void electionAndLockRequests_roundTrip() {
    LeaderKey leader =
        LeaderKey.newBuilder()
            .setName(bytes("election"))
            .setKey(bytes("election/694d77aa9e38260f"))
            .setRev(77)
            .setLease(0x694d77aa9e38260fL)
            .build();
    Message[] messages = {
      CampaignRequest.newBuilder()
          .setName(bytes("election"))
          .setLease(0x694d77aa9e38260fL)
          .setValue(BINARY)
          .build(),
      CampaignResponse.newBuilder().setHeader(header()).setLeader(leader).build(),
      ProclaimRequest.newBuilder().setLeader(leader).setValue(bytes("v2")).build(),
      LeaderRequest.newBuilder().setName(bytes("election")).build(),
      LeaderResponse.newBuilder().setHeader(header()).setKv(kv("election/1", 77)).build(),
      ResignRequest.newBuilder().setLeader(leader).build(),
      LockRequest.newBuilder().setName(bytes("mutex")).setLease(0x694d77aa9e38260fL).build(),
      LockResponse.newBuilder().setHeader(header()).setKey(bytes("mutex/694d77aa9e38260f")).build(),
      UnlockRequest.newBuilder().setKey(bytes("mutex/694d77aa9e38260f")).build(),
    };
    for (Message m : messages) {
      assertEveryFieldSet(m);
      assertWireCompatible(m);
    }
  }
}
