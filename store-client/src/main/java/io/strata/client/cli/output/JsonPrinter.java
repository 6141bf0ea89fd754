package io.strata.client.cli.output;

import com.google.protobuf.Message;
import io.strata.api.etcdserverpb.AlarmResponse;
import io.strata.api.etcdserverpb.DeleteRangeResponse;
import io.strata.api.etcdserverpb.LeaseGrantResponse;
import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.api.etcdserverpb.LeaseLeasesResponse;
import io.strata.api.etcdserverpb.LeaseRevokeResponse;
import io.strata.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.strata.api.etcdserverpb.MemberListResponse;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.api.mvccpb.Event;
import java.io.PrintStream;
import java.util.List;

/** {@code -w json}: each response as etcdctl's Go JSON (see {@link GoJson}). */
public final class JsonPrinter implements Printer {
  private final PrintStream out;

  public JsonPrinter(PrintStream out, PrintStream err) {
    this.out = out;
  }

  private void print(Message m) {
    out.println(GoJson.of(m));
  }

  @Override
  public void put(PutResponse r) {
    print(r);
  }

  @Override
  public void get(RangeResponse r, boolean valueOnly, boolean keysOnly) {
    print(r);
  }

  @Override
  public void delete(DeleteRangeResponse r) {
    print(r);
  }

  @Override
  public void txn(TxnResponse r) {
    print(r);
  }

  /** etcdctl prints the Go client's WatchResponse struct: exported names, nothing omitted. */
  @Override
  public void watch(WatchResponse r) {
    StringBuilder sb = new StringBuilder("{\"Header\":");
    GoJson.message(sb, r.getHeader());
    sb.append(",\"Events\":");
    if (r.getEventsCount() == 0) {
      sb.append("null");
    } else {
      sb.append('[');
      List<Event> events = r.getEventsList();
      for (int i = 0; i < events.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        GoJson.message(sb, events.get(i));
      }
      sb.append(']');
    }
    sb.append(",\"CompactRevision\":").append(r.getCompactRevision());
    sb.append(",\"Canceled\":").append(r.getCanceled());
    sb.append(",\"Created\":").append(r.getCreated()).append('}');
    out.println(sb);
  }

  @Override
  public void compact(long revision) {
    out.println("compacted revision " + revision);
  }

  /**
   * The Go client's lease responses embed the header (its fields at top level) and name their own
   * fields with their own JSON tags; etcdctl prints those structs, not the messages.
   */
  private static StringBuilder flatHeader(io.strata.api.etcdserverpb.ResponseHeader header) {
    StringBuilder sb = new StringBuilder();
    GoJson.message(sb, header);
    sb.setLength(sb.length() - 1); // reopen the object after the header's fields
    if (sb.length() > 1) {
      sb.append(',');
    }
    return sb;
  }

  @Override
  public void leaseGrant(LeaseGrantResponse r) {
    StringBuilder sb = flatHeader(r.getHeader());
    sb.append("\"ID\":").append(r.getID()).append(",\"TTL\":").append(r.getTTL());
    sb.append(",\"Error\":");
    GoJson.string(sb, r.getError());
    out.println(sb.append('}'));
  }

  @Override
  public void leaseRevoke(long id, LeaseRevokeResponse r) {
    print(r);
  }

  @Override
  public void timeToLive(LeaseTimeToLiveResponse r, boolean keys) {
    StringBuilder sb = flatHeader(r.getHeader());
    sb.append("\"id\":").append(r.getID()).append(",\"ttl\":").append(r.getTTL());
    sb.append(",\"granted-ttl\":").append(r.getGrantedTTL()).append(",\"keys\":");
    if (r.getKeysCount() == 0) {
      sb.append("null");
    } else {
      sb.append('[');
      for (int i = 0; i < r.getKeysCount(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        GoJson.string(sb, java.util.Base64.getEncoder().encodeToString(r.getKeys(i).toByteArray()));
      }
      sb.append(']');
    }
    out.println(sb.append('}'));
  }

  @Override
  public void leases(LeaseLeasesResponse r) {
    StringBuilder sb = flatHeader(r.getHeader()).append("\"leases\":[");
    for (int i = 0; i < r.getLeasesCount(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"id\":").append(r.getLeases(i).getID()).append('}');
    }
    out.println(sb.append("]}"));
  }

  @Override
  public void keepAlive(LeaseKeepAliveResponse r) {
    StringBuilder sb = flatHeader(r.getHeader());
    sb.append("\"ID\":").append(r.getID()).append(",\"TTL\":").append(r.getTTL());
    out.println(sb.append('}'));
  }

  @Override
  public void memberList(MemberListResponse r) {
    print(r);
  }

  @Override
  public void endpointStatus(List<EndpointStatus> statuses) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < statuses.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"Endpoint\":");
      GoJson.string(sb, statuses.get(i).endpoint());
      sb.append(",\"Status\":");
      GoJson.message(sb, statuses.get(i).status());
      sb.append('}');
    }
    out.println(sb.append(']'));
  }

  @Override
  public void endpointHashKv(List<EndpointHash> hashes) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < hashes.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"Endpoint\":");
      GoJson.string(sb, hashes.get(i).endpoint());
      sb.append(",\"HashKV\":");
      GoJson.message(sb, hashes.get(i).hash());
      sb.append('}');
    }
    out.println(sb.append(']'));
  }

  @Override
  public void endpointHealth(List<EndpointHealth> health) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < health.size(); i++) {
      EndpointHealth h = health.get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"endpoint\":");
      GoJson.string(sb, h.endpoint());
      sb.append(",\"health\":").append(h.healthy()).append(",\"took\":");
      GoJson.string(sb, h.took());
      if (!h.error().isEmpty()) {
        sb.append(",\"error\":");
        GoJson.string(sb, h.error());
      }
      sb.append('}');
    }
    out.println(sb.append(']'));
  }

  @Override
  public void alarms(AlarmResponse r) {
    print(r);
  }
}
