package io.strata.client.cli;

import io.strata.api.mvccpb.Event;
import java.io.IOException;
import java.util.List;

/** Runs {@code watch}'s exec-command for one event, as etcdctl does, with its environment. */
final class WatchExec {
  private WatchExec() {}

  static void run(List<String> command, Event e, StrataCtl ctl) {
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
    pb.environment().put("ETCD_WATCH_EVENT_TYPE", e.getType().name());
    pb.environment().put("ETCD_WATCH_REVISION", Long.toString(e.getKv().getModRevision()));
    pb.environment().put("ETCD_WATCH_KEY", e.getKv().getKey().toStringUtf8());
    pb.environment().put("ETCD_WATCH_VALUE", e.getKv().getValue().toStringUtf8());
    try {
      pb.start().waitFor();
    } catch (IOException ex) {
      ctl.err.println("Error: " + ex.getMessage());
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }
}
