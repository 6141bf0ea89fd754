package io.strata.server.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.strata.core.BackendException;
import io.strata.core.StoreException;
import io.strata.server.raft.RaftUnavailableException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * etcd's client-visible errors: each exact message with its gRPC status code (etcd {@code
 * api/v3rpc/rpctypes/error.go}). Clients match on the message text, so it is never reworded.
 */
public final class EtcdErrors {
  public static final String REQUEST_TOO_LARGE = "etcdserver: request is too large";
  public static final String NO_SPACE = "etcdserver: mvcc: database space exceeded";
  public static final String NOT_LEADER = "etcdserver: not leader";
  public static final String BAD_LEADER_TRANSFEREE = "etcdserver: bad leader transferee";
  public static final String NOT_CAPABLE = "etcdserver: not capable";

  private static final Map<String, Status.Code> TABLE = new LinkedHashMap<>();

  static {
    for (String m :
        new String[] {
          "key is not provided",
          "key not found",
          "value is provided",
          "lease is provided",
          "too many operations in txn request",
          "duplicate key given in txn request",
          "invalid client api version",
          "invalid sort option",
          "request is too large",
          "given member URLs are invalid",
          "user name is empty",
          "role name is empty",
          "authentication failed, invalid user ID or password",
          "permission not given",
          "invalid auth management",
          "revision of auth store is old",
          "wrong downgrade target version format",
          "invalid downgrade target version"
        }) {
      TABLE.put("etcdserver: " + m, Status.Code.INVALID_ARGUMENT);
    }
    TABLE.put("etcdserver: mvcc: required revision has been compacted", Status.Code.OUT_OF_RANGE);
    TABLE.put("etcdserver: mvcc: required revision is a future revision", Status.Code.OUT_OF_RANGE);
    TABLE.put("etcdserver: too large lease TTL", Status.Code.OUT_OF_RANGE);
    TABLE.put(NO_SPACE, Status.Code.RESOURCE_EXHAUSTED);
    TABLE.put("etcdserver: too many requests", Status.Code.RESOURCE_EXHAUSTED);
    TABLE.put("etcdserver: requested lease not found", Status.Code.NOT_FOUND);
    TABLE.put("etcdserver: member not found", Status.Code.NOT_FOUND);
    for (String m :
        new String[] {
          "lease already exists",
          "member ID already exist",
          "Peer URLs already exists",
          "re-configuration failed due to not enough started members",
          "can only promote a learner member",
          "can only promote a learner member which is in sync with leader",
          "too many learner members in cluster",
          "cluster ID mismatch",
          "root user does not exist",
          "root user does not have root role",
          "user name already exists",
          "user name not found",
          "role name already exists",
          "role name not found",
          "role is not granted to the user",
          "permission is not granted to the role",
          "authentication is not enabled",
          "not leader",
          "not capable",
          "bad leader transferee",
          "cluster version not found during downgrade",
          "cluster has a downgrade job in progress",
          "no inflight downgrade job"
        }) {
      TABLE.put("etcdserver: " + m, Status.Code.FAILED_PRECONDITION);
    }
    TABLE.put("etcdserver: permission denied", Status.Code.PERMISSION_DENIED);
    TABLE.put("etcdserver: invalid auth token", Status.Code.UNAUTHENTICATED);
    for (String m :
        new String[] {
          "no leader",
          "leader changed",
          "server stopped",
          "request timed out",
          "request timed out, possibly due to previous leader failure",
          "request timed out, possibly due to connection lost",
          "request timed out, waiting for the applied index took too long",
          "unhealthy cluster",
          // FAILED_PRECONDITION since etcd 3.6; Strata reports 3.5 and answers as 3.4 and 3.5 do.
          "rpc not supported for learner"
        }) {
      TABLE.put("etcdserver: " + m, Status.Code.UNAVAILABLE);
    }
    TABLE.put("etcdserver: corrupt cluster", Status.Code.DATA_LOSS);
  }

  private EtcdErrors() {}

  /** The whole table, for the golden test. */
  public static Map<String, Status.Code> table() {
    return java.util.Collections.unmodifiableMap(TABLE);
  }

  /** The status for one of etcd's messages. */
  public static StatusRuntimeException of(String etcdMessage) {
    Status.Code code = TABLE.get(etcdMessage);
    if (code == null) {
      return Status.UNKNOWN.withDescription(etcdMessage).asRuntimeException();
    }
    return Status.fromCode(code).withDescription(etcdMessage).asRuntimeException();
  }

  /** Translates whatever a request failed with into the status a client sees. */
  public static StatusRuntimeException toStatus(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof StatusRuntimeException s) {
      return s;
    }
    if (e instanceof BackendException) {
      // The store is closed or failing: this member cannot serve; the client should go elsewhere.
      return Status.UNAVAILABLE.withDescription("etcdserver: server stopped").asRuntimeException();
    }
    if (e instanceof StoreException || e instanceof RaftUnavailableException) {
      return of(e.getMessage());
    }
    return Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).asRuntimeException();
  }
}
