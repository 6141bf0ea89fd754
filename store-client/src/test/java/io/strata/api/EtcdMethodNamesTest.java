package io.strata.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import io.strata.api.etcdserverpb.AuthGrpc;
import io.strata.api.etcdserverpb.ClusterGrpc;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.LeaseGrpc;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.WatchGrpc;
import io.strata.api.v3electionpb.ElectionGrpc;
import io.strata.api.v3lockpb.LockGrpc;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * gRPC routes by full method name ({@code package.Service/Method}), so ours must be etcd's for
 * every RPC, with the same streaming shape.
 */
class EtcdMethodNamesTest {

  private static final String U = "UNARY";
  private static final String SERVER = "SERVER_STREAMING";
  private static final String BIDI = "BIDI_STREAMING";

  /** Every RPC of etcd 3.6's client API and its call shape. */
  private static final Map<String, String> ETCD_METHODS = new TreeMap<>();

  static {
    for (String m : List.of("Range", "Put", "DeleteRange", "Txn", "Compact")) {
      ETCD_METHODS.put("etcdserverpb.KV/" + m, U);
    }
    ETCD_METHODS.put("etcdserverpb.Watch/Watch", BIDI);
    for (String m : List.of("LeaseGrant", "LeaseRevoke", "LeaseTimeToLive", "LeaseLeases")) {
      ETCD_METHODS.put("etcdserverpb.Lease/" + m, U);
    }
    ETCD_METHODS.put("etcdserverpb.Lease/LeaseKeepAlive", BIDI);
    for (String m :
        List.of("MemberAdd", "MemberRemove", "MemberUpdate", "MemberList", "MemberPromote")) {
      ETCD_METHODS.put("etcdserverpb.Cluster/" + m, U);
    }
    for (String m :
        List.of("Alarm", "Status", "Defragment", "Hash", "HashKV", "MoveLeader", "Downgrade")) {
      ETCD_METHODS.put("etcdserverpb.Maintenance/" + m, U);
    }
    ETCD_METHODS.put("etcdserverpb.Maintenance/Snapshot", SERVER);
    for (String m :
        List.of(
            "AuthEnable",
            "AuthDisable",
            "AuthStatus",
            "Authenticate",
            "UserAdd",
            "UserGet",
            "UserList",
            "UserDelete",
            "UserChangePassword",
            "UserGrantRole",
            "UserRevokeRole",
            "RoleAdd",
            "RoleGet",
            "RoleList",
            "RoleDelete",
            "RoleGrantPermission",
            "RoleRevokePermission")) {
      ETCD_METHODS.put("etcdserverpb.Auth/" + m, U);
    }
    for (String m : List.of("Campaign", "Proclaim", "Leader", "Resign")) {
      ETCD_METHODS.put("v3electionpb.Election/" + m, U);
    }
    ETCD_METHODS.put("v3electionpb.Election/Observe", SERVER);
    ETCD_METHODS.put("v3lockpb.Lock/Lock", U);
    ETCD_METHODS.put("v3lockpb.Lock/Unlock", U);
  }

  private static Stream<ServiceDescriptor> ourServices() {
    return Stream.of(
        KVGrpc.getServiceDescriptor(),
        WatchGrpc.getServiceDescriptor(),
        LeaseGrpc.getServiceDescriptor(),
        ClusterGrpc.getServiceDescriptor(),
        MaintenanceGrpc.getServiceDescriptor(),
        AuthGrpc.getServiceDescriptor(),
        ElectionGrpc.getServiceDescriptor(),
        LockGrpc.getServiceDescriptor());
  }

  @Test
  void generatedStubs_haveEtcdsFullMethodNames() {
    assertThat(KVGrpc.getRangeMethod().getFullMethodName()).isEqualTo("etcdserverpb.KV/Range");
    assertThat(WatchGrpc.getWatchMethod().getFullMethodName())
        .isEqualTo("etcdserverpb.Watch/Watch");
    assertThat(LeaseGrpc.getLeaseKeepAliveMethod().getFullMethodName())
        .isEqualTo("etcdserverpb.Lease/LeaseKeepAlive");
    assertThat(ClusterGrpc.getMemberListMethod().getFullMethodName())
        .isEqualTo("etcdserverpb.Cluster/MemberList");
    assertThat(MaintenanceGrpc.getStatusMethod().getFullMethodName())
        .isEqualTo("etcdserverpb.Maintenance/Status");
    assertThat(AuthGrpc.getAuthenticateMethod().getFullMethodName())
        .isEqualTo("etcdserverpb.Auth/Authenticate");
    assertThat(ElectionGrpc.getCampaignMethod().getFullMethodName())
        .isEqualTo("v3electionpb.Election/Campaign");
    assertThat(LockGrpc.getLockMethod().getFullMethodName()).isEqualTo("v3lockpb.Lock/Lock");
  }

  @Test
  void everyService_hasExactlyEtcdsMethodsAndCallShapes() {
    Map<String, String> ours = new TreeMap<>();
    ourServices()
        .flatMap(s -> s.getMethods().stream())
        .forEach(m -> ours.put(m.getFullMethodName(), m.getType().name()));

    assertThat(ours).containsExactlyInAnyOrderEntriesOf(ETCD_METHODS);
  }

  @Test
  void everyEtcdMethodInJetcd_hasSameNameShapeAndMessages() {
    Map<String, MethodDescriptor> ours = protoMethods(EtcdDescriptors.ourFiles());
    Map<String, MethodDescriptor> etcd = protoMethods(EtcdDescriptors.etcdFiles());
    // jetcd adds a unary Watch/Progress of its own; etcd's server has no such RPC.
    etcd.remove("etcdserverpb.Watch/Progress");

    assertThat(ours.keySet()).containsAll(etcd.keySet());
    for (var e : etcd.entrySet()) {
      MethodDescriptor theirs = e.getValue();
      MethodDescriptor mine = ours.get(e.getKey());
      assertThat(mine.getInputType().getFullName())
          .as("request of %s", e.getKey())
          .isEqualTo(theirs.getInputType().getFullName());
      assertThat(mine.getOutputType().getFullName())
          .as("response of %s", e.getKey())
          .isEqualTo(theirs.getOutputType().getFullName());
      assertThat(mine.isClientStreaming()).isEqualTo(theirs.isClientStreaming());
      assertThat(mine.isServerStreaming()).isEqualTo(theirs.isServerStreaming());
    }
  }

  @Test
  void grpcMethodTypes_matchProtoStreamingFlags() {
    Map<String, MethodDescriptor> proto = protoMethods(EtcdDescriptors.ourFiles());
    ourServices()
        .flatMap(s -> s.getMethods().stream())
        .forEach(
            m -> {
              MethodDescriptor p = proto.get(m.getFullMethodName());
              MethodType expected =
                  p.isClientStreaming()
                      ? (p.isServerStreaming()
                          ? MethodType.BIDI_STREAMING
                          : MethodType.CLIENT_STREAMING)
                      : (p.isServerStreaming() ? MethodType.SERVER_STREAMING : MethodType.UNARY);
              assertThat(m.getType()).as(m.getFullMethodName()).isEqualTo(expected);
            });
  }

  private static Map<String, MethodDescriptor> protoMethods(List<FileDescriptor> files) {
    Map<String, MethodDescriptor> out = new TreeMap<>();
    for (FileDescriptor f : files) {
      for (com.google.protobuf.Descriptors.ServiceDescriptor s : f.getServices()) {
        for (MethodDescriptor m : s.getMethods()) {
          out.put(s.getFullName() + "/" + m.getName(), m);
        }
      }
    }
    return out;
  }
}
