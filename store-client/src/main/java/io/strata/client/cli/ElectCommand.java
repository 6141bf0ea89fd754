package io.strata.client.cli;

import com.google.protobuf.ByteString;
import io.strata.api.v3electionpb.CampaignResponse;
import io.strata.client.Client;
import io.strata.client.KeepAlive;
import io.strata.client.KeepAliveListener;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code elect <election-name> [proposal]}: campaigns with the proposal and, once leader, prints
 * the leader key and value and leads until interrupted; with {@code -l}, prints each leader.
 */
@Command(
    name = "elect",
    mixinStandardHelpOptions = true,
    description = "Observes and participates in leader election")
final class ElectCommand extends Verb {
  @Parameters(index = "0", description = "election name")
  String name = "";

  @Parameters(index = "1", arity = "0..1", description = "proposal (the value to lead with)")
  @Nullable String proposal;

  @Option(
      names = {"-l", "--listen"},
      description = "observation mode")
  boolean listen;

  @Option(names = "--ttl", description = "timeout for session")
  long ttl = 60;

  @Override
  public Integer call() throws Exception {
    StrataCtl ctl = ctl();
    Client client = ctl.client();
    CountDownLatch forever = new CountDownLatch(1);
    if (listen) {
      client
          .election()
          .observe(
              ByteString.copyFromUtf8(name),
              r -> {
                synchronized (ctl.out) {
                  ctl.out.println(r.getKv().getKey().toStringUtf8());
                  ctl.out.println(r.getKv().getValue().toStringUtf8());
                }
              });
      forever.await();
      return 0;
    }
    String value = proposal;
    if (value == null) {
      throw new CtlException(CtlException.EXIT_BAD_ARGS, "no proposal argument but -l not set");
    }
    long lease = await(client.lease().grant(ttl)).getID();
    KeepAlive session = client.lease().keepAlive(lease, (KeepAliveListener) r -> {});
    CampaignResponse won =
        await(
            client
                .election()
                .campaign(ByteString.copyFromUtf8(name), lease, ByteString.copyFromUtf8(value)));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  client.election().resign(won.getLeader()).join();
                  session.close();
                  client.lease().revoke(lease).join();
                  client.close();
                },
                "stratactl-resign"));
    ctl.out.println(won.getLeader().getKey().toStringUtf8());
    ctl.out.println(value);
    forever.await();
    return 0;
  }
}
