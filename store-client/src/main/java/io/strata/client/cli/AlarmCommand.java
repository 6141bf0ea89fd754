package io.strata.client.cli;

import io.strata.api.etcdserverpb.AlarmMember;
import io.strata.api.etcdserverpb.AlarmResponse;
import io.strata.client.Client;
import picocli.CommandLine.Command;

/** {@code alarm list|disarm}. */
@Command(
    name = "alarm",
    mixinStandardHelpOptions = true,
    description = "Alarm related commands",
    subcommands = {AlarmCommand.ListAlarms.class, AlarmCommand.Disarm.class})
final class AlarmCommand {
  private AlarmCommand() {}

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists all alarms")
  static final class ListAlarms extends Verb {
    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      try (Client client = ctl.client()) {
        ctl.printer().alarms(await(client.maintenance().alarmList()));
      }
      return 0;
    }
  }

  @Command(name = "disarm", mixinStandardHelpOptions = true, description = "Disarms all alarms")
  static final class Disarm extends Verb {
    @Override
    public Integer call() {
      StrataCtl ctl = ctl();
      try (Client client = ctl.client()) {
        AlarmResponse raised = await(client.maintenance().alarmList());
        AlarmResponse.Builder disarmed = AlarmResponse.newBuilder().setHeader(raised.getHeader());
        for (AlarmMember a : raised.getAlarmsList()) {
          disarmed.addAllAlarms(await(client.maintenance().alarmDisarm(a)).getAlarmsList());
        }
        ctl.printer().alarms(disarmed.build());
      }
      return 0;
    }
  }
}
