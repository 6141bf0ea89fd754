package io.strata.client.cli;

import io.strata.client.Client;
import io.strata.client.PutOptions;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code put [options] <key> <value>}; the value is read from standard input when omitted. */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = "Puts the given key into the store")
final class PutCommand extends Verb {
  @Parameters(index = "0", description = "key")
  String key = "";

  @Parameters(index = "1", arity = "0..1", description = "value (standard input when omitted)")
  @Nullable String value;

  @Option(names = "--lease", description = "lease ID (in hexadecimal) to attach to the key")
  String lease = "0";

  @Option(
      names = "--prev-kv",
      description = "return the previous key-value pair before modification")
  boolean prevKv;

  @Option(names = "--ignore-value", description = "updates the key using its current value")
  boolean ignoreValue;

  @Option(names = "--ignore-lease", description = "updates the key using its current lease")
  boolean ignoreLease;

  @Override
  public Integer call() throws Exception {
    StrataCtl ctl = ctl();
    String v = value;
    if (v == null && !ignoreValue) {
      v = new String(ctl.in.readAllBytes(), StandardCharsets.UTF_8);
    }
    PutOptions options =
        PutOptions.builder()
            .lease(StrataCtl.leaseId(lease))
            .prevKv(prevKv)
            .ignoreValue(ignoreValue)
            .ignoreLease(ignoreLease)
            .build();
    try (Client client = ctl.client()) {
      ctl.printer().put(await(client.kv().put(bytes(key), bytes(v == null ? "" : v), options)));
    }
    return 0;
  }
}
