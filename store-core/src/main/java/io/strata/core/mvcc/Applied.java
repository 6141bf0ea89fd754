package io.strata.core.mvcc;

import io.strata.core.kv.Event;
import java.util.List;

/** The result of one committed write request together with the events it produced. */
public record Applied<R>(R result, List<Event> events) {
  public Applied {
    events = List.copyOf(events);
  }
}
