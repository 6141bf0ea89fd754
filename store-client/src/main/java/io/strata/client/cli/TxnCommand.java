package io.strata.client.cli;

import io.strata.api.etcdserverpb.Compare;
import io.strata.api.etcdserverpb.RequestOp;
import io.strata.client.Client;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code txn [options]}: reads compares, then success requests, then failure requests from standard
 * input, each block ended by an empty line (etcdctl's format, see {@link TxnParser}).
 */
@Command(
    name = "txn",
    mixinStandardHelpOptions = true,
    description = "Txn processes all the requests in one transaction")
final class TxnCommand extends Verb {
  @Option(
      names = {"-i", "--interactive"},
      description = "Input transaction in interactive mode")
  boolean interactive;

  @Override
  public Integer call() throws Exception {
    StrataCtl ctl = ctl();
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(ctl.in, StandardCharsets.UTF_8));
    if (interactive) {
      ctl.out.println("compares:");
    }
    List<Compare> compares = TxnParser.compares(TxnParser.block(reader));
    if (interactive) {
      ctl.out.println("success requests (get, put, del):");
    }
    List<RequestOp> success = TxnParser.ops(TxnParser.block(reader));
    if (interactive) {
      ctl.out.println("failure requests (get, put, del):");
    }
    List<RequestOp> failure = TxnParser.ops(TxnParser.block(reader));
    try (Client client = ctl.client()) {
      ctl.printer()
          .txn(
              await(
                  client
                      .kv()
                      .txn()
                      .when(compares.toArray(Compare[]::new))
                      .then(success.toArray(RequestOp[]::new))
                      .otherwise(failure.toArray(RequestOp[]::new))
                      .commit()));
    }
    return 0;
  }
}
