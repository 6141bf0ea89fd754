package io.strata.server.apply;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.CompactionResponse;
import io.strata.api.etcdserverpb.DeleteRangeResponse;
import io.strata.api.etcdserverpb.PutResponse;
import io.strata.api.etcdserverpb.RangeResponse;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.api.etcdserverpb.ResponseOp;
import io.strata.api.etcdserverpb.TxnResponse;
import io.strata.core.InvalidRequestException;
import io.strata.core.InvalidRequestException.Reason;
import io.strata.core.kv.Compare;
import io.strata.core.kv.DeleteRangeRequest;
import io.strata.core.kv.DeleteRangeResult;
import io.strata.core.kv.Event;
import io.strata.core.kv.KeyValue;
import io.strata.core.kv.Op;
import io.strata.core.kv.OpResult;
import io.strata.core.kv.PutRequest;
import io.strata.core.kv.PutResult;
import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.RangeResult;
import io.strata.core.kv.SortOrder;
import io.strata.core.kv.SortTarget;
import io.strata.core.kv.TxnRequest;
import io.strata.core.kv.TxnResult;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * etcd's protobuf messages to the engine's types and back. Requests that protobuf can express but
 * etcd rejects (an unknown sort enum, an empty RequestOp) fail here with etcd's error.
 */
public final class ProtoMapper {
  private ProtoMapper() {}

  // --- requests -----------------------------------------------------------------------------

  public static RangeRequest range(io.strata.api.etcdserverpb.RangeRequest r) {
    return RangeRequest.builder(r.getKey().toByteArray())
        .rangeEnd(r.getRangeEnd().toByteArray())
        .limit(r.getLimit())
        .revision(r.getRevision())
        .sort(sortTarget(r.getSortTargetValue()), sortOrder(r.getSortOrderValue()))
        .keysOnly(r.getKeysOnly())
        .countOnly(r.getCountOnly())
        .minModRevision(r.getMinModRevision())
        .maxModRevision(r.getMaxModRevision())
        .minCreateRevision(r.getMinCreateRevision())
        .maxCreateRevision(r.getMaxCreateRevision())
        .build();
  }

  private static SortOrder sortOrder(int value) {
    if (value < 0 || value >= SortOrder.values().length) {
      throw new InvalidRequestException(Reason.INVALID_SORT_OPTION);
    }
    return SortOrder.values()[value];
  }

  private static SortTarget sortTarget(int value) {
    if (value < 0 || value >= SortTarget.values().length) {
      throw new InvalidRequestException(Reason.INVALID_SORT_OPTION);
    }
    return SortTarget.values()[value];
  }

  public static PutRequest put(io.strata.api.etcdserverpb.PutRequest r) {
    return new PutRequest(
        r.getKey().toByteArray(),
        r.getValue().toByteArray(),
        r.getLease(),
        r.getPrevKv(),
        r.getIgnoreValue(),
        r.getIgnoreLease());
  }

  public static DeleteRangeRequest delete(io.strata.api.etcdserverpb.DeleteRangeRequest r) {
    return new DeleteRangeRequest(
        r.getKey().toByteArray(), r.getRangeEnd().toByteArray(), r.getPrevKv());
  }

  public static TxnRequest txn(io.strata.api.etcdserverpb.TxnRequest r) {
    List<Compare> compares = new ArrayList<>(r.getCompareCount());
    for (io.strata.api.etcdserverpb.Compare c : r.getCompareList()) {
      compares.add(compare(c));
    }
    return new TxnRequest(compares, ops(r.getSuccessList()), ops(r.getFailureList()));
  }

  private static List<Op> ops(List<RequestOp> ops) {
    List<Op> out = new ArrayList<>(ops.size());
    for (RequestOp op : ops) {
      out.add(
          switch (op.getRequestCase()) {
            case REQUEST_RANGE -> Op.range(range(op.getRequestRange()));
            case REQUEST_PUT -> Op.put(put(op.getRequestPut()));
            case REQUEST_DELETE_RANGE -> Op.delete(delete(op.getRequestDeleteRange()));
            case REQUEST_TXN -> Op.txn(txn(op.getRequestTxn()));
            case REQUEST_NOT_SET -> throw new InvalidRequestException(Reason.KEY_NOT_FOUND);
          });
    }
    return out;
  }

  private static Compare compare(io.strata.api.etcdserverpb.Compare c) {
    int targetValue = c.getTargetValue();
    int resultValue = c.getResultValue();
    Compare.Target target =
        targetValue >= 0 && targetValue < Compare.Target.values().length
            ? Compare.Target.values()[targetValue]
            : null;
    Compare.Result result =
        resultValue >= 0 && resultValue < Compare.Result.values().length
            ? Compare.Result.values()[resultValue]
            : null;
    if (target == null || result == null) {
      // etcd treats an unknown target or result as a compare that holds; nothing sensible to
      // compare, so fail closed with the closest etcd error instead.
      throw new InvalidRequestException(Reason.KEY_NOT_FOUND);
    }
    // etcd reads the union member that matches the target; any other member reads as zero.
    long number =
        switch (target) {
          case VERSION -> c.hasVersion() ? c.getVersion() : 0;
          case CREATE -> c.hasCreateRevision() ? c.getCreateRevision() : 0;
          case MOD -> c.hasModRevision() ? c.getModRevision() : 0;
          case LEASE -> c.hasLease() ? c.getLease() : 0;
          case VALUE -> 0;
        };
    byte[] value =
        target == Compare.Target.VALUE && c.hasValue() ? c.getValue().toByteArray() : new byte[0];
    return new Compare(
        c.getKey().toByteArray(), c.getRangeEnd().toByteArray(), target, result, number, value);
  }

  // --- results ------------------------------------------------------------------------------

  public static io.strata.api.mvccpb.KeyValue keyValue(KeyValue kv) {
    return io.strata.api.mvccpb.KeyValue.newBuilder()
        .setKey(ByteString.copyFrom(kv.key()))
        .setCreateRevision(kv.createRevision())
        .setModRevision(kv.modRevision())
        .setVersion(kv.version())
        .setValue(ByteString.copyFrom(kv.value()))
        .setLease(kv.lease())
        .build();
  }

  public static io.strata.api.mvccpb.Event event(Event e, boolean withPrevKv) {
    io.strata.api.mvccpb.Event.Builder b =
        io.strata.api.mvccpb.Event.newBuilder()
            .setType(
                e.type() == Event.Type.PUT
                    ? io.strata.api.mvccpb.Event.EventType.PUT
                    : io.strata.api.mvccpb.Event.EventType.DELETE)
            .setKv(keyValue(e.kv()));
    if (withPrevKv && e.prevKv() != null) {
      b.setPrevKv(keyValue(e.prevKv()));
    }
    return b.build();
  }

  private static ResponseHeader header(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }

  public static RangeResponse rangeResponse(RangeResult r) {
    RangeResponse.Builder b =
        RangeResponse.newBuilder()
            .setHeader(header(r.revision()))
            .setMore(r.more())
            .setCount(r.count());
    for (KeyValue kv : r.kvs()) {
      b.addKvs(keyValue(kv));
    }
    return b.build();
  }

  public static PutResponse putResponse(PutResult r) {
    PutResponse.Builder b = PutResponse.newBuilder().setHeader(header(r.revision()));
    @Nullable KeyValue prev = r.prevKv();
    if (prev != null) {
      b.setPrevKv(keyValue(prev));
    }
    return b.build();
  }

  public static DeleteRangeResponse deleteResponse(DeleteRangeResult r) {
    DeleteRangeResponse.Builder b =
        DeleteRangeResponse.newBuilder().setHeader(header(r.revision())).setDeleted(r.deleted());
    for (KeyValue kv : r.prevKvs()) {
      b.addPrevKvs(keyValue(kv));
    }
    return b.build();
  }

  public static TxnResponse txnResponse(TxnResult r) {
    TxnResponse.Builder b =
        TxnResponse.newBuilder().setHeader(header(r.revision())).setSucceeded(r.succeeded());
    for (OpResult op : r.responses()) {
      ResponseOp.Builder rb = ResponseOp.newBuilder();
      if (op instanceof OpResult.Range range) {
        rb.setResponseRange(rangeResponse(range.result()));
      } else if (op instanceof OpResult.Put put) {
        rb.setResponsePut(putResponse(put.result()));
      } else if (op instanceof OpResult.DeleteRange del) {
        rb.setResponseDeleteRange(deleteResponse(del.result()));
      } else if (op instanceof OpResult.Txn txn) {
        rb.setResponseTxn(txnResponse(txn.result()));
      }
      b.addResponses(rb);
    }
    return b.build();
  }

  public static CompactionResponse compactionResponse(long revision) {
    return CompactionResponse.newBuilder().setHeader(header(revision)).build();
  }
}
