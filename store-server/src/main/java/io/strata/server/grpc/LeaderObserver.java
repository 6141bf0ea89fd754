package io.strata.server.grpc;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import io.strata.api.etcdserverpb.ResponseHeader;
import io.strata.api.v3electionpb.LeaderResponse;
import io.strata.core.kv.Event;
import io.strata.server.apply.ProtoMapper;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One Election.Observe stream, etcd's {@code Election.observe} loop on the member's hub:
 *
 * <ol>
 *   <li>read the oldest key under the prefix; if there is none, watch the prefix from that read's
 *       revision until the first put, which is the new leader;
 *   <li>send the leader, then watch its key and send each new value, until it is deleted;
 *   <li>start over.
 * </ol>
 *
 * As in etcd, intermediate leaders may be skipped but the current one is always sent. When a watch
 * fails (its revision was compacted) or a read fails, the stream ends normally, as etcd's does when
 * its observe channel closes; the client observes again. State is touched only on the stream's
 * serial executor.
 */
final class LeaderObserver {
  private final Recipes recipes;
  private final SerialExecutor executor;
  private final ByteString prefix;
  private final ServerCallStreamObserver<LeaderResponse> out;

  // Touched only on the executor.
  private boolean closed;
  private @Nullable HubWatch watch;

  LeaderObserver(Recipes recipes, ByteString prefix, ServerCallStreamObserver<LeaderResponse> out) {
    this.recipes = recipes;
    this.executor = recipes.newSerialExecutor();
    this.prefix = prefix;
    this.out = out;
  }

  void start() {
    out.setOnCancelHandler(() -> executor.execute(this::close));
    executor.execute(this::findLeader);
  }

  private void findLeader() {
    if (closed) {
      return;
    }
    recipes
        .range(Recipes.firstCreate(prefix))
        .whenComplete(
            (r, e) ->
                executor.execute(
                    () -> {
                      if (closed) {
                        return;
                      } else if (e != null) {
                        end();
                      } else if (r.getKvsCount() == 0) {
                        awaitFirstPut(r.getHeader().getRevision());
                      } else {
                        leader(r.getHeader(), r.getKvs(0));
                      }
                    }));
  }

  /** No candidate yet: the first put under the prefix is the leader. */
  private void awaitFirstPut(long revision) {
    watch =
        recipes.watch(
            prefix,
            Recipes.prefixEnd(prefix),
            revision,
            executor,
            new HubWatch.Listener() {
              @Override
              public void events(List<Event> events, long rev) {
                for (Event e : events) {
                  if (e.type() == Event.Type.PUT) {
                    stopWatch();
                    // etcd sets the header's revision to the put's: the batch may hold more.
                    leader(recipes.members().header(e.revision()), ProtoMapper.keyValue(e.kv()));
                    return;
                  }
                }
              }

              @Override
              public void compacted(long compactRevision) {
                end();
              }
            });
  }

  /** Sends the leader, then follows its key until it is deleted. */
  private void leader(ResponseHeader header, io.strata.api.mvccpb.KeyValue kv) {
    if (!send(header, kv)) {
      return;
    }
    watch =
        recipes.watch(
            kv.getKey(),
            ByteString.EMPTY,
            header.getRevision() + 1,
            executor,
            new HubWatch.Listener() {
              @Override
              public void events(List<Event> events, long rev) {
                for (Event e : events) {
                  if (e.type() == Event.Type.DELETE) {
                    stopWatch();
                    findLeader();
                    return;
                  }
                  if (!send(recipes.members().header(rev), ProtoMapper.keyValue(e.kv()))) {
                    return;
                  }
                }
              }

              @Override
              public void compacted(long compactRevision) {
                end();
              }
            });
  }

  private boolean send(ResponseHeader header, io.strata.api.mvccpb.KeyValue kv) {
    if (closed) {
      return false;
    }
    try {
      out.onNext(LeaderResponse.newBuilder().setHeader(header).setKv(kv).build());
      return true;
    } catch (RuntimeException e) {
      close(); // the call is gone
      return false;
    }
  }

  private void stopWatch() {
    HubWatch w = watch;
    if (w != null) {
      w.cancel();
      watch = null;
    }
  }

  /** Ends the stream normally, as etcd's Observe does when its observe channel closes. */
  private void end() {
    if (closed) {
      return;
    }
    close();
    try {
      out.onCompleted();
    } catch (RuntimeException e) {
      // already closed by the client
    }
  }

  private void close() {
    closed = true;
    stopWatch();
  }
}
