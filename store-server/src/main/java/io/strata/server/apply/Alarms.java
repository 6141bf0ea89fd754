package io.strata.server.apply;

import io.strata.api.etcdserverpb.AlarmMember;
import io.strata.api.etcdserverpb.AlarmType;
import io.strata.core.mvcc.ApplyBatch;
import io.strata.core.mvcc.MvccStore;
import io.strata.core.schema.RevisionKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's alarms, kept in the replicated member state so that every member agrees on them:
 * while NOSPACE is raised, writes that add data are refused (etcd's capped applier), deletes and
 * compactions still work, until an operator disarms it. Stored as the id of the member that raised
 * it, per alarm type.
 */
public final class Alarms {
  public static final String NO_SPACE_MESSAGE = "etcdserver: mvcc: database space exceeded";

  private Alarms() {}

  private static String key(AlarmType type) {
    return "alarm/" + type.name();
  }

  public static boolean active(MvccStore store, AlarmType type) {
    return store.state(key(type)) != null;
  }

  /** The raised alarms, as etcd lists them. */
  public static List<AlarmMember> list(MvccStore store) {
    List<AlarmMember> out = new ArrayList<>();
    for (AlarmType type : List.of(AlarmType.NOSPACE, AlarmType.CORRUPT)) {
      byte[] member = store.state(key(type));
      if (member != null) {
        out.add(
            AlarmMember.newBuilder()
                .setMemberID(RevisionKeys.getLong(member, 0))
                .setAlarm(type)
                .build());
      }
    }
    return out;
  }

  static void activate(ApplyBatch batch, AlarmType type, long memberId) {
    batch.putState(key(type), RevisionKeys.longBytes(memberId));
  }

  static void deactivate(ApplyBatch batch, AlarmType type) {
    batch.deleteState(key(type));
  }
}
