package io.strata.client.cli;

import io.strata.client.Client;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code compaction [options] <revision>}. */
@Command(
    name = "compaction",
    aliases = "compact",
    mixinStandardHelpOptions = true,
    description = "Compacts the event history in etcd")
final class CompactionCommand extends Verb {
  @Parameters(index = "0", description = "revision")
  long revision;

  @Option(
      names = "--physical",
      description = "'true' to wait for compaction to physically remove all old revisions")
  boolean physical;

  @Override
  public Integer call() {
    StrataCtl ctl = ctl();
    try (Client client = ctl.client()) {
      await(client.kv().compact(revision, physical));
      ctl.printer().compact(revision);
    }
    return 0;
  }
}
