package io.strata.client.cli;

import io.strata.api.etcdserverpb.MemberAddResponse;
import io.strata.client.Client;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code member list|add|remove|promote}. */
@Command(
    name = "member",
    mixinStandardHelpOptions = true,
    description = "Membership related commands",
    subcommands = {
      MemberCommand.ListMembers.class,
      MemberCommand.Add.class,
      MemberCommand.Remove.class,
      MemberCommand.Promote.class
    })
final class MemberCommand {
  private MemberCommand() {}

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists all members in the cluster")
  static final class ListMembers extends Verb {
    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      try (Client client = ctl.client()) {
        ctl.printer().memberList(await(client.cluster().memberList(false)));
      }
      return 0;
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Adds a member into the cluster")
  static final class Add extends Verb {
    @Parameters(index = "0", description = "member name")
    String name = "";

    @Option(
        names = "--peer-urls",
        required = true,
        description = "comma separated peer URLs for the new member")
    String peerUrls = "";

    @Option(names = "--learner", description = "indicates if the new member is raft learner")
    boolean learner;

    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      List<String> urls = Arrays.asList(peerUrls.split(","));
      try (Client client = ctl.client()) {
        MemberAddResponse r = await(client.cluster().memberAdd(urls, learner));
        ctl.out.printf(
            "Member %16x added to cluster %16x%n",
            r.getMember().getID(), r.getHeader().getClusterId());
      }
      return 0;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Removes a member from the cluster")
  static final class Remove extends Verb {
    @Parameters(index = "0", description = "member ID (hexadecimal)")
    String id = "";

    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      long member = StrataCtl.leaseId(id);
      try (Client client = ctl.client()) {
        var r = await(client.cluster().memberRemove(member));
        ctl.out.printf(
            "Member %16x removed from cluster %16x%n", member, r.getHeader().getClusterId());
      }
      return 0;
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = "Promotes a non-voting member in the cluster")
  static final class Promote extends Verb {
    @Parameters(index = "0", description = "member ID (hexadecimal)")
    String id = "";

    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      long member = StrataCtl.leaseId(id);
      try (Client client = ctl.client()) {
        var r = await(client.cluster().memberPromote(member));
        ctl.out.printf(
            "Member %16x promoted in cluster %16x%n", member, r.getHeader().getClusterId());
      }
      return 0;
    }
  }
}
