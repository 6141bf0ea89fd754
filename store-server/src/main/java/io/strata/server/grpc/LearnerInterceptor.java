package io.strata.server.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.strata.api.etcdserverpb.KVGrpc;
import io.strata.api.etcdserverpb.MaintenanceGrpc;
import io.strata.api.etcdserverpb.RangeRequest;
import java.util.function.BooleanSupplier;

/**
 * etcd's learner rule, for every service on the client URLs: while this member is a learner (a
 * Ratis listener) it serves only Maintenance.Status, KV.Range with {@code serializable=true} and
 * the Maintenance.Snapshot stream; every other call, streams included, is refused with {@value
 * #MESSAGE}. A learner has no vote and may lag, so a linearizable read or a write through it would
 * only add a hop or mislead; clients go to a voting member instead.
 *
 * <p>The code is etcd 3.4's and 3.5's, UNAVAILABLE (checked against a running etcd 3.4.23 and its
 * {@code rpctypes/error.go}), under which clients fail over to another endpoint; etcd 3.6 answers
 * FAILED_PRECONDITION. Snapshot is served as etcd 3.5 serves it; etcd 3.4 refused every stream on a
 * learner, Snapshot too.
 *
 * <p>Whether this member is a learner is asked on each call, so the rule ends the moment a
 * promotion is applied here and applies again if the member is demoted.
 */
final class LearnerInterceptor implements ServerInterceptor {
  static final String MESSAGE = "etcdserver: rpc not supported for learner";

  private static final String STATUS = MaintenanceGrpc.getStatusMethod().getFullMethodName();
  private static final String SNAPSHOT = MaintenanceGrpc.getSnapshotMethod().getFullMethodName();
  private static final String RANGE = KVGrpc.getRangeMethod().getFullMethodName();

  private final BooleanSupplier learner;

  /** {@code learner} tells whether this member currently is one; it must be cheap. */
  LearnerInterceptor(BooleanSupplier learner) {
    this.learner = learner;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (method.equals(STATUS) || method.equals(SNAPSHOT) || !learner.getAsBoolean()) {
      return next.startCall(call, headers);
    }
    if (method.equals(RANGE)) {
      // Only the request tells whether the read is serializable: decide when it arrives.
      return new SerializableOnly<>(next.startCall(call, headers), call);
    }
    call.close(refusal(), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private static Status refusal() {
    return Status.fromCode(EtcdErrors.of(MESSAGE).getStatus().getCode()).withDescription(MESSAGE);
  }

  /**
   * Passes a Range on to its handler only if it is serializable; otherwise closes the call and
   * swallows the rest of it (the unary handler would otherwise answer the half-close too).
   */
  private static final class SerializableOnly<Q>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, ?> call;
    private boolean refused;

    SerializableOnly(ServerCall.Listener<Q> delegate, ServerCall<Q, ?> call) {
      super(delegate);
      this.call = call;
    }

    @Override
    public void onMessage(Q message) {
      if (message instanceof RangeRequest r && r.getSerializable()) {
        super.onMessage(message);
        return;
      }
      refused = true;
      call.close(refusal(), new Metadata());
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        super.onHalfClose();
      }
    }

    @Override
    public void onReady() {
      if (!refused) {
        super.onReady();
      }
    }
  }
}
