package io.strata.client;

import com.google.protobuf.ByteString;

/**
 * etcd's Watch service, made durable: when the stream breaks (the member died, was partitioned away
 * or restarted) the watch reopens on another endpoint from the last delivered revision + 1, with
 * bounded backoff, until it is closed or the server cancels it (compaction, bad request).
 */
public interface Watch {
  Watcher watch(ByteString key, WatchOptions options, WatchListener listener);
}
