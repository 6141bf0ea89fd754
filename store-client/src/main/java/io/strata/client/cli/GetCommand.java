package io.strata.client.cli;

import com.google.protobuf.ByteString;
import io.strata.client.Client;
import io.strata.client.GetOptions;
import io.strata.client.SortOrder;
import io.strata.client.SortTarget;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code get [options] <key> [range_end]} with etcdctl's flags. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Gets the key or a range of keys")
final class GetCommand extends Verb {
  @Parameters(index = "0", description = "key")
  String key = "";

  @Parameters(index = "1", arity = "0..1", description = "range end (exclusive)")
  @Nullable String rangeEnd;

  @Option(names = "--consistency", description = "Linearizable(l) or Serializable(s)")
  String consistency = "l";

  @Option(names = "--order", description = "Order of results; ASCEND or DESCEND")
  String order = "";

  @Option(names = "--sort-by", description = "Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION")
  String sortBy = "";

  @Option(names = "--limit", description = "Maximum number of results")
  long limit;

  @Option(names = "--prefix", description = "Get keys with matching prefix")
  boolean prefix;

  @Option(
      names = "--from-key",
      description = "Get keys that are greater than or equal to the given key")
  boolean fromKey;

  @Option(names = "--rev", description = "Specify the kv revision")
  long rev;

  @Option(names = "--keys-only", description = "Get only the keys")
  boolean keysOnly;

  @Option(names = "--count-only", description = "Get only the count")
  boolean countOnly;

  @Option(
      names = "--print-value-only",
      description = "Only write values when using the \"simple\" output format")
  boolean printValueOnly;

  @Override
  public Integer call() {
    StrataCtl ctl = ctl();
    if (prefix && fromKey) {
      throw new CtlException(
          CtlException.EXIT_BAD_ARGS,
          "`--prefix` and `--from-key` cannot be set at the same time, choose one");
    }
    GetOptions.Builder b =
        GetOptions.builder()
            .revision(rev)
            .limit(limit)
            .keysOnly(keysOnly)
            .countOnly(countOnly)
            .prefix(prefix)
            .fromKey(fromKey);
    switch (consistency.toLowerCase(Locale.ROOT)) {
      case "l" -> {}
      case "s" -> b.serializable(true);
      default ->
          throw new CtlException(
              CtlException.EXIT_BAD_ARGS, "unknown consistency flag \"" + consistency + "\"");
    }
    if (!order.isEmpty() || !sortBy.isEmpty()) {
      b.sort(target(sortBy), order(order));
    }
    if (rangeEnd != null) {
      b.rangeEnd(bytes(rangeEnd));
    }
    ByteString k = bytes(key);
    if (k.isEmpty() && (fromKey || prefix)) {
      k = ByteString.copyFrom(new byte[] {0}); // etcdctl: every key
    }
    try (Client client = ctl.client()) {
      ctl.printer().get(await(client.kv().get(k, b.build())), printValueOnly, keysOnly);
    }
    return 0;
  }

  private static SortTarget target(String s) {
    return switch (s.toUpperCase(Locale.ROOT)) {
      case "", "KEY" -> SortTarget.KEY;
      case "CREATE" -> SortTarget.CREATE;
      case "MODIFY" -> SortTarget.MOD;
      case "VALUE" -> SortTarget.VALUE;
      case "VERSION" -> SortTarget.VERSION;
      default -> throw new CtlException(CtlException.EXIT_BAD_ARGS, "bad sort target " + s);
    };
  }

  private static SortOrder order(String s) {
    return switch (s.toUpperCase(Locale.ROOT)) {
      case "" -> SortOrder.NONE;
      case "ASCEND" -> SortOrder.ASCEND;
      case "DESCEND" -> SortOrder.DESCEND;
      default -> throw new CtlException(CtlException.EXIT_BAD_ARGS, "bad sort order " + s);
    };
  }
}
