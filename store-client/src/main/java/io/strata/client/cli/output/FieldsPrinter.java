package io.strata.client.cli.output;

import io.strata.api.etcdserverpb.DeleteRangeResponse;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.api.mvccpb.Event;
import io.strata.api.mvccpb.KeyValue;
import java.io.PrintStream;

/**
 * {@code -w fields}: etcdctl's {@code "Name" : value} lines for the KV responses and watch; every
 * other response prints as simple.
 */
public final class FieldsPrinter extends SimplePrinter {
  public FieldsPrinter(PrintStream out, PrintStream err) {
    super(out, err);
  }

  private void header(ResponseHeader h) {
    out.println("\"ClusterID\" : " + Long.toUnsignedString(h.getClusterId()));
    out.println("\"MemberID\" : " + Long.toUnsignedString(h.getMemberId()));
    out.println("\"Revision\" : " + h.getRevision());
    out.println("\"RaftTerm\" : " + Long.toUnsignedString(h.getRaftTerm()));
  }

  private void fields(KeyValue kv, String prefix) {
    out.println("\"" + prefix + "Key\" : " + quote(kv.getKey().toStringUtf8()));
    out.println("\"" + prefix + "CreateRevision\" : " + kv.getCreateRevision());
    out.println("\"" + prefix + "ModRevision\" : " + kv.getModRevision());
    out.println("\"" + prefix + "Version\" : " + kv.getVersion());
    out.println("\"" + prefix + "Value\" : " + quote(kv.getValue().toStringUtf8()));
    out.println("\"" + prefix + "Lease\" : " + kv.getLease());
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder();
    GoJson.string(sb, s);
    return sb.toString();
  }

  @Override
  public void put(PutResponse r) {
    header(r.getHeader());
    if (r.hasPrevKv()) {
      fields(r.getPrevKv(), "Prev");
    }
  }

  @Override
  public void get(RangeResponse r, boolean valueOnly, boolean keysOnly) {
    header(r.getHeader());
    for (KeyValue kv : r.getKvsList()) {
      fields(kv, "");
    }
    out.println("\"More\" : " + r.getMore());
    out.println("\"Count\" : " + r.getCount());
  }

  @Override
  public void delete(DeleteRangeResponse r) {
    header(r.getHeader());
    out.println("\"Deleted\" : " + r.getDeleted());
    for (KeyValue kv : r.getPrevKvsList()) {
      fields(kv, "Prev");
    }
  }

  @Override
  public void watch(WatchResponse r) {
    header(r.getHeader());
    for (Event e : r.getEventsList()) {
      out.println("\"Type\" : " + e.getType().name());
      if (e.hasPrevKv()) {
        fields(e.getPrevKv(), "Prev");
      }
      fields(e.getKv(), "");
      out.println();
    }
  }
}
