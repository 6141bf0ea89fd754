package io.strata.client.cli;

import io.strata.api.etcdserverpb.LeaseKeepAliveResponse;
import io.strata.api.etcdserverpb.LeaseTimeToLiveResponse;
import io.strata.client.Client;
import io.strata.client.EtcdException;
import io.strata.client.KeepAlive;
import io.strata.client.KeepAliveListener;
import io.strata.client.cli.output.Printer;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lease grant|revoke|timetolive|list|keep-alive}. */
@Command(
    name = "lease",
    mixinStandardHelpOptions = true,
    description = "Lease related commands",
    subcommands = {
      LeaseCommand.Grant.class,
      LeaseCommand.Revoke.class,
      LeaseCommand.TimeToLive.class,
      LeaseCommand.ListLeases.class,
      LeaseCommand.KeepAliveVerb.class
    })
final class LeaseCommand {
  private LeaseCommand() {}

  @Command(name = "grant", mixinStandardHelpOptions = true, description = "Creates leases")
  static final class Grant extends Verb {
    @Parameters(index = "0", description = "TTL in seconds")
    long ttl;

    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      try (Client client = ctl.client()) {
        ctl.printer().leaseGrant(await(client.lease().grant(ttl)));
      } catch (EtcdException e) {
        throw new CtlException(
            CtlException.EXIT_ERROR, "failed to grant lease (" + e.getMessage() + ")");
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes leases")
  static final class Revoke extends Verb {
    @Parameters(index = "0", description = "lease ID (hexadecimal)")
    String id = "";

    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      long lease = StrataCtl.leaseId(id);
      try (Client client = ctl.client()) {
        ctl.printer().leaseRevoke(lease, await(client.lease().revoke(lease)));
      } catch (EtcdException e) {
        throw new CtlException(
            CtlException.EXIT_ERROR, "failed to revoke lease (" + e.getMessage() + ")");
      }
      return 0;
    }
  }

  @Command(
      name = "timetolive",
      mixinStandardHelpOptions = true,
      description = "Get lease information")
  static final class TimeToLive extends Verb {
    @Parameters(index = "0", description = "lease ID (hexadecimal)")
    String id = "";

    @Option(names = "--keys", description = "Get keys attached to this lease")
    boolean keys;

    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      try (Client client = ctl.client()) {
        LeaseTimeToLiveResponse r = await(client.lease().timeToLive(StrataCtl.leaseId(id), keys));
        ctl.printer().timeToLive(r, keys);
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List all active leases")
  static final class ListLeases extends Verb {
    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      try (Client client = ctl.client()) {
        ctl.printer().leases(await(client.lease().leases()));
      }
      return 0;
    }
  }

  @Command(
      name = "keep-alive",
      mixinStandardHelpOptions = true,
      description = "Keeps leases alive (renew)")
  static final class KeepAliveVerb extends Verb {
    @Parameters(index = "0", description = "lease ID (hexadecimal)")
    String id = "";

    @Option(
        names = "--once",
        description = "Resets the keep-alive time to its original value and exits immediately")
    boolean once;

    @Override
    public Integer call() throws Exception {
      StrataCtl ctl = ctl();
      long lease = StrataCtl.leaseId(id);
      Printer printer = ctl.printer();
      try (Client client = ctl.client()) {
        if (once) {
          try {
            printer.keepAlive(await(client.lease().keepAliveOnce(lease)));
          } catch (EtcdException e) {
            throw new CtlException(CtlException.EXIT_BAD_CONNECTION, e.getMessage());
          }
          return 0;
        }
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        try (KeepAlive k =
            client
                .lease()
                .keepAlive(
                    lease,
                    new KeepAliveListener() {
                      @Override
                      public void onNext(LeaseKeepAliveResponse response) {
                        printer.keepAlive(response);
                      }

                      @Override
                      public void onError(Throwable error) {
                        ended.complete(error);
                      }
                    })) {
          ended.get();
        }
        ctl.out.printf("lease %016x expired or revoked.%n", lease);
      }
      return 0;
    }
  }
}
