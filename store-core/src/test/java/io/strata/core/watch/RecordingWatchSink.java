package io.strata.core.watch;

import io.strata.core.kv.Event;
import java.util.ArrayList;
import java.util.List;

/** Records what a hub delivers; can be told to refuse, like a client that stopped reading. */
class RecordingWatchSink implements WatchSink {
  final List<Event> events = new ArrayList<>();
  final List<Long> progress = new ArrayList<>();
  volatile long compactedAt = -1;
  volatile boolean full;
  volatile int refusals;

  @Override
  public synchronized boolean offer(Watcher watcher, List<Event> batch, long revision) {
    if (full) {
      refusals++;
      return false;
    }
    events.addAll(batch);
    return true;
  }

  @Override
  public void compacted(Watcher watcher, long compactRevision) {
    compactedAt = compactRevision;
  }

  @Override
  public synchronized boolean progress(Watcher watcher, long revision) {
    progress.add(revision);
    return true;
  }

  synchronized List<Long> revisions() {
    return events.stream().map(Event::revision).toList();
  }

  synchronized int size() {
    return events.size();
  }
}
