package io.strata.client.cli;

import com.google.protobuf.ByteString;
import io.strata.client.Client;
import io.strata.client.DeleteOptions;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code del [options] <key> [range_end]}. */
@Command(
    name = "del",
    mixinStandardHelpOptions = true,
    description = "Removes the specified key or range of keys [key, range_end)")
final class DelCommand extends Verb {
  @Parameters(index = "0", description = "key")
  String key = "";

  @Parameters(index = "1", arity = "0..1", description = "range end (exclusive)")
  @Nullable String rangeEnd;

  @Option(names = "--prefix", description = "delete keys with matching prefix")
  boolean prefix;

  @Option(names = "--prev-kv", description = "return deleted key-value pairs")
  boolean prevKv;

  @Option(
      names = "--from-key",
      description = "delete keys that are greater than or equal to the given key")
  boolean fromKey;

  @Override
  public Integer call() {
    StrataCtl ctl = ctl();
    DeleteOptions.Builder b =
        DeleteOptions.builder().prefix(prefix).fromKey(fromKey).prevKv(prevKv);
    if (rangeEnd != null) {
      b.rangeEnd(bytes(rangeEnd));
    }
    ByteString k = bytes(key);
    if (k.isEmpty() && (fromKey || prefix)) {
      k = ByteString.copyFrom(new byte[] {0});
    }
    try (Client client = ctl.client()) {
      ctl.printer().delete(await(client.kv().delete(k, b.build())));
    }
    return 0;
  }
}
