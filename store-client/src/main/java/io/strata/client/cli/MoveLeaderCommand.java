package io.strata.client.cli;

import io.strata.client.Client;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code move-leader <transferee-member-id>}: sent to the endpoint that is the leader. */
@Command(
    name = "move-leader",
    mixinStandardHelpOptions = true,
    description = "Transfers leadership to another etcd cluster member.")
final class MoveLeaderCommand extends Verb {
  @Parameters(index = "0", description = "transferee member ID (hexadecimal)")
  String target = "";

  @Override
  public Integer call() {
    StrataCtl ctl = ctl();
    long id;
    try {
      id = Long.parseUnsignedLong(target, 16);
    } catch (NumberFormatException e) {
      throw new CtlException(
          CtlException.EXIT_BAD_ARGS,
          "bad member ID arg (" + e.getMessage() + "), expecting ID in Hex");
    }
    try (Client client = ctl.client()) {
      var r = await(client.maintenance().moveLeader(id));
      ctl.out.printf("Leadership transferred from %x to %x%n", r.getHeader().getMemberId(), id);
    }
    return 0;
  }
}
