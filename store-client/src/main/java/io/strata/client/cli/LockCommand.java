package io.strata.client.cli;

import com.google.protobuf.ByteString;
import io.strata.api.v3lockpb.LockResponse;
import io.strata.client.Client;
import io.strata.client.KeepAlive;
import io.strata.client.KeepAliveListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lock <lockname> [exec-command arg...]}: holds the lock with a kept-alive session lease;
 * with a command, runs it while holding the lock (ETCD_LOCK_KEY and ETCD_LOCK_REV set) and exits
 * with its code, else prints the lock key and holds the lock until interrupted.
 */
@Command(name = "lock", mixinStandardHelpOptions = true, description = "Acquires a named lock")
final class LockCommand extends Verb {
  @Parameters(index = "0", description = "lock name")
  String name = "";

  @Parameters(index = "1..*", arity = "0..*", description = "command to run while holding the lock")
  List<String> command = new ArrayList<>();

  @Option(names = "--ttl", description = "timeout for session")
  long ttl = 60;

  @Override
  public Integer call() throws Exception {
    StrataCtl ctl = ctl();
    Client client = ctl.client();
    long lease = await(client.lease().grant(ttl)).getID();
    KeepAlive session = client.lease().keepAlive(lease, (KeepAliveListener) r -> {});
    Runnable release =
        () -> {
          session.close();
          client.lease().revoke(lease).join(); // dropping the lease deletes the lock key
          client.close();
        };
    LockResponse locked = await(client.lock().lock(ByteString.copyFromUtf8(name), lease));
    if (!command.isEmpty()) {
      ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
      pb.environment().put("ETCD_LOCK_KEY", locked.getKey().toStringUtf8());
      pb.environment().put("ETCD_LOCK_REV", Long.toString(locked.getHeader().getRevision()));
      int code;
      try {
        code = pb.start().waitFor();
      } finally {
        release.run();
      }
      return code;
    }
    ctl.out.println(locked.getKey().toStringUtf8());
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(release, "stratactl-unlock"));
    forever.await();
    return 0;
  }
}
