package io.strata.client.cli;

import io.strata.client.Client;
import io.strata.client.EtcdException;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code defrag}: each endpoint in turn (Strata compacts online; the call returns at once). */
@Command(
    name = "defrag",
    mixinStandardHelpOptions = true,
    description = "Defragments the storage of the etcd members with given endpoints")
final class DefragCommand extends Verb {
  @Override
  public Integer call() {
    StrataCtl ctl = ctl();
    boolean failed = false;
    for (String e : ctl.endpoints) {
      try (Client one = ctl.client(List.of(e))) {
        await(one.maintenance().defragment(e));
        ctl.out.printf("Finished defragmenting etcd member[%s]%n", e);
      } catch (EtcdException ex) {
        ctl.err.printf("Failed to defragment etcd member[%s] (%s)%n", e, ex.getMessage());
        failed = true;
      }
    }
    return failed ? CtlException.EXIT_ERROR : 0;
  }
}
