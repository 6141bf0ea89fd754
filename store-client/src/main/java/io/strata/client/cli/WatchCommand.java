package io.strata.client.cli;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.WatchResponse;
import io.strata.client.Client;
import io.strata.client.CompactedException;
import io.strata.client.WatchListener;
import io.strata.client.WatchOptions;
import io.strata.client.Watcher;
import io.strata.client.cli.output.Printer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code watch [options] [key or prefix] [range_end] [-- exec-command arg...]}: prints events until
 * interrupted; with a command, runs it for each event with etcdctl's ETCD_WATCH_* variables.
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = "Watches events stream on keys or prefixes")
final class WatchCommand extends Verb {
  @Parameters(
      arity = "0..*",
      description = "key or prefix, optional range end, then -- and a command")
  List<String> args = new ArrayList<>();

  @Option(names = "--prefix", description = "Watch on a prefix if prefix is set")
  boolean prefix;

  @Option(names = "--rev", description = "Revision to start watching")
  long rev;

  @Option(
      names = "--prev-kv",
      description = "get the previous key-value pair before the event happens")
  boolean prevKv;

  @Option(
      names = "--progress-notify",
      description = "get periodic watch progress notification from server")
  boolean progressNotify;

  @Override
  public Integer call() throws Exception {
    StrataCtl ctl = ctl();
    List<String> command = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    int dash = spec.commandLine().getParseResult().originalArgs().indexOf("--");
    for (String a : args) {
      keys.add(a);
    }
    if (dash >= 0) {
      // Everything after "--" is the command; picocli gave those as positional parameters too.
      int n = spec.commandLine().getParseResult().originalArgs().size() - dash - 1;
      command.addAll(keys.subList(keys.size() - n, keys.size()));
      keys = new ArrayList<>(keys.subList(0, keys.size() - n));
    }
    if (keys.isEmpty() || keys.size() > 2) {
      throw new CtlException(
          CtlException.EXIT_BAD_ARGS, "watch needs a key, optionally a range end");
    }
    WatchOptions.Builder b =
        WatchOptions.builder()
            .prefix(prefix)
            .startRevision(rev)
            .prevKv(prevKv)
            .progressNotify(progressNotify);
    if (keys.size() == 2) {
      b.rangeEnd(bytes(keys.get(1)));
    }
    Printer printer = ctl.printer();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    try (Client client = ctl.client();
        Watcher w =
            client
                .watch()
                .watch(
                    ByteString.copyFromUtf8(keys.get(0)),
                    b.build(),
                    new WatchListener() {
                      @Override
                      public void onNext(WatchResponse response) {
                        if (response.getEventsCount() == 0 && !progressNotify) {
                          return;
                        }
                        synchronized (printer) {
                          if (command.isEmpty()) {
                            printer.watch(response);
                          } else {
                            response.getEventsList().forEach(e -> WatchExec.run(command, e, ctl));
                          }
                        }
                      }

                      @Override
                      public void onError(Throwable error) {
                        ended.complete(error);
                      }
                    })) {
      Throwable error = ended.get();
      String reason =
          error instanceof CompactedException ? CompactedException.MESSAGE : error.getMessage();
      ctl.err.println("watch was canceled (" + reason + ")");
      throw new CtlException(CtlException.EXIT_INTERRUPTED, "watch is canceled by the server");
    }
  }
}
