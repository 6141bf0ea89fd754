package io.strata.client.cli;

import io.strata.api.etcdserverpb.Member;
import io.strata.client.Client;
import io.strata.client.EtcdException;
import io.strata.client.GetOptions;
import io.strata.client.cli.output.Printer.EndpointHash;
import io.strata.client.cli.output.Printer.EndpointHealth;
import io.strata.client.cli.output.Printer.EndpointStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code endpoint status|health|hashkv}, on each endpoint (or every member with --cluster). */
@Command(
    name = "endpoint",
    mixinStandardHelpOptions = true,
    description = "Endpoint related commands",
    subcommands = {
      EndpointCommand.Status.class,
      EndpointCommand.Health.class,
      EndpointCommand.HashKv.class
    })
final class EndpointCommand {
  private EndpointCommand() {}

  /** Shared --cluster flag: the client URLs of every member instead of --endpoints. */
  abstract static class EndpointVerb extends Verb {
    @Option(names = "--cluster", description = "use all endpoints from the cluster member list")
    boolean cluster;

    List<String> endpoints(Client client) {
      if (!cluster) {
        return ctl().endpoints;
      }
      List<String> out = new ArrayList<>();
      for (Member m : await(client.cluster().memberList(false)).getMembersList()) {
        out.addAll(m.getClientURLsList());
      }
      return out;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Prints out the status of endpoints specified in `--endpoints` flag")
  static final class Status extends EndpointVerb {
    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      List<EndpointStatus> statuses = new ArrayList<>();
      boolean failed = false;
      try (Client client = ctl.client()) {
        for (String e : endpoints(client)) {
          try (Client one = ctl.client(List.of(e))) {
            statuses.add(new EndpointStatus(e, await(one.maintenance().status(e))));
          } catch (EtcdException ex) {
            ctl.err.printf("Failed to get the status of endpoint %s (%s)%n", e, ex.getMessage());
            failed = true;
          }
        }
      }
      ctl.printer().endpointStatus(statuses);
      if (failed) {
        throw new CtlException(CtlException.EXIT_ERROR, "unhealthy cluster");
      }
      return 0;
    }
  }

  @Command(
      name = "hashkv",
      mixinStandardHelpOptions = true,
      description = "Prints the KV history hash for each endpoint in --endpoints")
  static final class HashKv extends EndpointVerb {
    @Option(names = "--rev", description = "maximum revision to hash (default: all revisions)")
    long rev;

    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      List<EndpointHash> hashes = new ArrayList<>();
      try (Client client = ctl.client()) {
        for (String e : endpoints(client)) {
          try (Client one = ctl.client(List.of(e))) {
            hashes.add(new EndpointHash(e, await(one.maintenance().hashKv(e, rev))));
          }
        }
      }
      ctl.printer().endpointHashKv(hashes);
      return 0;
    }
  }

  @Command(
      name = "health",
      mixinStandardHelpOptions = true,
      description = "Checks the healthiness of endpoints specified in `--endpoints` flag")
  static final class Health extends EndpointVerb {
    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      List<EndpointHealth> health = new ArrayList<>();
      try (Client client = ctl.client()) {
        for (String e : endpoints(client)) {
          long start = System.nanoTime();
          // etcdctl's check: a linearizable read of "health" commits through the leader.
          try (Client one = ctl.client(List.of(e))) {
            await(one.kv().get(bytes("health"), GetOptions.DEFAULT));
            health.add(
                new EndpointHealth(
                    e, true, Durations.format(Duration.ofNanos(System.nanoTime() - start)), ""));
          } catch (EtcdException ex) {
            health.add(
                new EndpointHealth(
                    e,
                    false,
                    Durations.format(Duration.ofNanos(System.nanoTime() - start)),
                    ex.getMessage()));
          }
        }
      }
      ctl.printer().endpointHealth(health);
      if (health.stream().anyMatch(h -> !h.healthy())) {
        throw new CtlException(CtlException.EXIT_ERROR, "unhealthy cluster");
      }
      return 0;
    }
  }
}
