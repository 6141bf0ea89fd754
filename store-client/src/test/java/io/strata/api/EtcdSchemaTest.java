package io.strata.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Pins the schema of our etcd API files: everything etcd's files (as carried by jetcd) declare must
 * appear in ours with the same number, type and label, and everything we declare beyond that must
 * be exactly the etcd 3.3–3.6 additions listed here, with etcd's numbers.
 */
class EtcdSchemaTest {

  /**
   * Messages, fields and enum values in etcd 3.6's API that jetcd's copy of the protos lacks, with
   * the numbers of etcd's own rpc.proto, kv.proto and auth.proto.
   */
  private static final String NEWER_THAN_JETCD =
      """
      authpb.User: authpb.UserAddOptions options = 4
      authpb.UserAddOptions: message
      authpb.UserAddOptions: bool no_password = 1
      etcdserverpb.AlarmType: CORRUPT = 2
      etcdserverpb.AuthStatusRequest: message
      etcdserverpb.AuthStatusResponse: message
      etcdserverpb.AuthStatusResponse: etcdserverpb.ResponseHeader header = 1
      etcdserverpb.AuthStatusResponse: bool enabled = 2
      etcdserverpb.AuthStatusResponse: uint64 authRevision = 3
      etcdserverpb.AuthUserAddRequest: authpb.UserAddOptions options = 3
      etcdserverpb.AuthUserAddRequest: string hashedPassword = 4
      etcdserverpb.AuthUserChangePasswordRequest: string hashedPassword = 3
      etcdserverpb.Compare: int64 lease = 8 (oneof target_union)
      etcdserverpb.Compare.CompareTarget: LEASE = 4
      etcdserverpb.DowngradeInfo: message
      etcdserverpb.DowngradeInfo: bool enabled = 1
      etcdserverpb.DowngradeInfo: string targetVersion = 2
      etcdserverpb.DowngradeRequest: message
      etcdserverpb.DowngradeRequest: etcdserverpb.DowngradeRequest.DowngradeAction action = 1
      etcdserverpb.DowngradeRequest: string version = 2
      etcdserverpb.DowngradeRequest.DowngradeAction: VALIDATE = 0
      etcdserverpb.DowngradeRequest.DowngradeAction: ENABLE = 1
      etcdserverpb.DowngradeRequest.DowngradeAction: CANCEL = 2
      etcdserverpb.DowngradeResponse: message
      etcdserverpb.DowngradeResponse: etcdserverpb.ResponseHeader header = 1
      etcdserverpb.DowngradeResponse: string version = 2
      etcdserverpb.DowngradeVersionTestRequest: message
      etcdserverpb.DowngradeVersionTestRequest: string ver = 1
      etcdserverpb.HashKVResponse: int64 hash_revision = 4
      etcdserverpb.LeaseCheckpoint: message
      etcdserverpb.LeaseCheckpoint: int64 ID = 1
      etcdserverpb.LeaseCheckpoint: int64 remaining_TTL = 2
      etcdserverpb.LeaseCheckpointRequest: message
      etcdserverpb.LeaseCheckpointRequest: repeated etcdserverpb.LeaseCheckpoint checkpoints = 1
      etcdserverpb.LeaseCheckpointResponse: message
      etcdserverpb.LeaseCheckpointResponse: etcdserverpb.ResponseHeader header = 1
      etcdserverpb.LeaseLeasesRequest: message
      etcdserverpb.LeaseLeasesResponse: message
      etcdserverpb.LeaseLeasesResponse: etcdserverpb.ResponseHeader header = 1
      etcdserverpb.LeaseLeasesResponse: repeated etcdserverpb.LeaseStatus leases = 2
      etcdserverpb.LeaseStatus: message
      etcdserverpb.LeaseStatus: int64 ID = 1
      etcdserverpb.MemberListRequest: bool linearizable = 1
      etcdserverpb.MemberPromoteRequest: message
      etcdserverpb.MemberPromoteRequest: uint64 ID = 1
      etcdserverpb.MemberPromoteResponse: message
      etcdserverpb.MemberPromoteResponse: etcdserverpb.ResponseHeader header = 1
      etcdserverpb.MemberPromoteResponse: repeated etcdserverpb.Member members = 2
      etcdserverpb.SnapshotResponse: string version = 4
      etcdserverpb.StatusResponse: uint64 raftAppliedIndex = 7
      etcdserverpb.StatusResponse: repeated string errors = 8
      etcdserverpb.StatusResponse: int64 dbSizeInUse = 9
      etcdserverpb.StatusResponse: bool isLearner = 10
      etcdserverpb.StatusResponse: string storageVersion = 11
      etcdserverpb.StatusResponse: int64 dbSizeQuota = 12
      etcdserverpb.StatusResponse: etcdserverpb.DowngradeInfo downgradeInfo = 13
      etcdserverpb.WatchCreateRequest: int64 watch_id = 7
      etcdserverpb.WatchCreateRequest: bool fragment = 8
      etcdserverpb.WatchResponse: bool fragment = 7
      """;

  @Test
  void ourSchema_containsEtcdSchema_fieldForField() {
    Set<String> ours = schema(EtcdDescriptors.ourFiles());
    Set<String> etcd = schema(EtcdDescriptors.etcdFiles());

    Set<String> missing = new TreeSet<>(etcd);
    missing.removeAll(ours);

    assertThat(missing).as("declared by etcd but missing or different in ours").isEmpty();
  }

  @Test
  void ourSchema_beyondJetcd_isExactlyEtcdsNewerAdditions() {
    Set<String> extra = new TreeSet<>(schema(EtcdDescriptors.ourFiles()));
    extra.removeAll(schema(EtcdDescriptors.etcdFiles()));

    assertThat(extra).containsExactlyInAnyOrderElementsOf(NEWER_THAN_JETCD.lines().toList());
  }

  @Test
  void ourFiles_useEtcdPackagesAndOurJavaPackages() {
    for (FileDescriptor f : EtcdDescriptors.ourFiles()) {
      assertThat(f.getPackage())
          .isIn("etcdserverpb", "mvccpb", "authpb", "v3electionpb", "v3lockpb");
      assertThat(f.getOptions().getJavaPackage()).isEqualTo("io.strata.api." + f.getPackage());
      assertThat(f.getOptions().getJavaMultipleFiles()).isTrue();
      assertThat(f.toProto().getSyntax()).isEqualTo("proto3");
    }
    assertThat(EtcdDescriptors.ourFiles()).hasSize(5);
  }

  /** One line per message, field and enum value, in the NEWER_THAN_JETCD format. */
  private static Set<String> schema(List<FileDescriptor> files) {
    Set<String> out = new TreeSet<>();
    for (Descriptor m : EtcdDescriptors.messages(files).values()) {
      out.add(m.getFullName() + ": message");
      for (FieldDescriptor f : m.getFields()) {
        out.add(m.getFullName() + ": " + describe(f));
      }
    }
    for (EnumDescriptor e : EtcdDescriptors.enums(files).values()) {
      for (EnumValueDescriptor v : e.getValues()) {
        out.add(e.getFullName() + ": " + v.getName() + " = " + v.getNumber());
      }
    }
    return out;
  }

  private static String describe(FieldDescriptor f) {
    String type =
        switch (f.getJavaType()) {
          case MESSAGE -> f.getMessageType().getFullName();
          case ENUM -> f.getEnumType().getFullName();
          default -> f.getType().name().toLowerCase(Locale.ROOT);
        };
    String line =
        (f.isRepeated() ? "repeated " : "") + type + " " + f.getName() + " = " + f.getNumber();
    if (f.getRealContainingOneof() != null) {
      line += " (oneof " + f.getRealContainingOneof().getName() + ")";
    }
    if (f.isRepeated() && f.isPackable() && !f.isPacked()) {
      line += " (unpacked)";
    }
    return line;
  }
}
