package io.strata.client.cli.output;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.AlarmMember;
import io.strata.api.etcdserverpb.AlarmResponse;
import io.strata.api.etcdserverpb.DeleteRangeResponse;
import io.strata.api.etcdserverpb.LeaseGrantResponse;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.api.etcdserverpb.LeaseLeasesResponse;
import io.strata.api.etcdserverpb.LeaseRevokeResponse;
import io.strata.api.etcdserverpb.LeaseStatus;
import io.strata.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.strata.api.etcdserverpb.Member;
import io.strata.api.etcdserverpb.MemberListResponse;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.ResponseOp;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.api.mvccpb.Event;
import io.strata.api.mvccpb.KeyValue;
import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

/** etcdctl's default output: keys and values on their own lines, short confirmations. */
public class SimplePrinter implements Printer {
  protected final PrintStream out;
  protected final PrintStream err;

  public SimplePrinter(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  protected void line(ByteString bytes) {
    out.write(bytes.toByteArray(), 0, bytes.size());
    out.println();
  }

  protected void kv(KeyValue kv, boolean valueOnly, boolean keysOnly) {
    if (!valueOnly) {
      line(kv.getKey());
    }
    if (!keysOnly) {
      line(kv.getValue());
    }
  }

  @Override
  public void put(PutResponse r) {
    out.println("OK");
    if (r.hasPrevKv()) {
      kv(r.getPrevKv(), false, false);
    }
  }

  @Override
  public void get(RangeResponse r, boolean valueOnly, boolean keysOnly) {
    for (KeyValue kv : r.getKvsList()) {
      kv(kv, valueOnly, keysOnly);
    }
  }

  @Override
  public void delete(DeleteRangeResponse r) {
    out.println(r.getDeleted());
    for (KeyValue kv : r.getPrevKvsList()) {
      kv(kv, false, false);
    }
  }

  @Override
  public void txn(TxnResponse r) {
    out.println(r.getSucceeded() ? "SUCCESS" : "FAILURE");
    out.println();
    responses(r.getResponsesList());
  }

  private void responses(List<ResponseOp> ops) {
    for (ResponseOp op : ops) {
      switch (op.getResponseCase()) {
        case RESPONSE_PUT -> put(op.getResponsePut());
        case RESPONSE_RANGE -> get(op.getResponseRange(), false, false);
        case RESPONSE_DELETE_RANGE -> delete(op.getResponseDeleteRange());
        case RESPONSE_TXN -> txn(op.getResponseTxn());
        default -> {}
      }
      out.println();
    }
  }

  @Override
  public void watch(WatchResponse r) {
    for (Event e : r.getEventsList()) {
      out.println(e.getType() == Event.EventType.DELETE ? "DELETE" : "PUT");
      if (e.hasPrevKv()) {
        kv(e.getPrevKv(), false, false);
      }
      kv(e.getKv(), false, false);
    }
  }

  @Override
  public void compact(long revision) {
    out.println("compacted revision " + revision);
  }

  @Override
  public void leaseGrant(LeaseGrantResponse r) {
    out.printf("lease %016x granted with TTL(%ds)%n", r.getID(), r.getTTL());
  }

  @Override
  public void leaseRevoke(long id, LeaseRevokeResponse r) {
    out.printf("lease %016x revoked%n", id);
  }

  @Override
  public void timeToLive(LeaseTimeToLiveResponse r, boolean keys) {
    if (r.getGrantedTTL() == 0 && r.getTTL() == -1) {
      out.printf("lease %016x already expired%n", r.getID());
      return;
    }
    String text =
        String.format(
            "lease %016x granted with TTL(%ds), remaining(%ds)",
            r.getID(), r.getGrantedTTL(), r.getTTL());
    if (keys) {
      text +=
          r.getKeysList().stream()
              .map(ByteString::toStringUtf8)
              .collect(Collectors.joining(" ", ", attached keys([", "])"));
    }
    out.println(text);
  }

  @Override
  public void leases(LeaseLeasesResponse r) {
    out.printf("found %d leases%n", r.getLeasesCount());
    for (LeaseStatus l : r.getLeasesList()) {
      out.printf("%016x%n", l.getID());
    }
  }

  @Override
  public void keepAlive(LeaseKeepAliveResponse r) {
    out.printf("lease %016x keepalived with TTL(%d)%n", r.getID(), r.getTTL());
  }

  @Override
  public void memberList(MemberListResponse r) {
    for (Member m : r.getMembersList()) {
      out.printf(
          "%x, %s, %s, %s, %s, %s%n",
          m.getID(),
          m.getName().isEmpty() ? "unstarted" : "started",
          m.getName(),
          String.join(",", m.getPeerURLsList()),
          String.join(",", m.getClientURLsList()),
          m.getIsLearner());
    }
  }

  @Override
  public void endpointStatus(List<EndpointStatus> statuses) {
    for (EndpointStatus s : statuses) {
      out.println(String.join(", ", Rows.status(s)));
    }
  }

  @Override
  public void endpointHashKv(List<EndpointHash> hashes) {
    for (EndpointHash h : hashes) {
      out.printf("%s, %d%n", h.endpoint(), Integer.toUnsignedLong(h.hash().getHash()));
    }
  }

  @Override
  public void endpointHealth(List<EndpointHealth> health) {
    // etcdctl writes health lines to standard error.
    for (EndpointHealth h : health) {
      if (h.healthy()) {
        err.printf(
            "%s is healthy: successfully committed proposal: took = %s%n", h.endpoint(), h.took());
      } else {
        err.printf("%s is unhealthy: failed to commit proposal: %s%n", h.endpoint(), h.error());
      }
    }
  }

  @Override
  public void alarms(AlarmResponse r) {
    for (AlarmMember a : r.getAlarmsList()) {
      out.printf(
          "memberID:%s alarm:%s %n", Long.toUnsignedString(a.getMemberID()), a.getAlarm().name());
    }
  }
}
