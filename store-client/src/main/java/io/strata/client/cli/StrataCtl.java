package io.strata.client.cli;

import io.grpc.Status;
import io.strata.client.Client;
import io.strata.client.EtcdException;
import io.strata.client.cli.output.Printer;
import io.strata.client.internal.Errors;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The root of {@code stratactl}: etcdctl's global flags (inherited by every verb, so they may come
 * before or after it) and the verbs. Errors print one {@code Error: ...} line on standard error and
 * exit with etcdctl's code.
 */
@Command(
    name = "stratactl",
    mixinStandardHelpOptions = true,
    version = "stratactl 0.1.0 (etcd v3 API)",
    description = "A command line client for Strata and any etcd v3 API cluster.",
    subcommands = {
      PutCommand.class,
      GetCommand.class,
      DelCommand.class,
      TxnCommand.class,
      CompactionCommand.class,
      WatchCommand.class,
      LeaseCommand.class,
      MemberCommand.class,
      EndpointCommand.class,
      DefragCommand.class,
      AlarmCommand.class,
      MoveLeaderCommand.class,
      LockCommand.class,
      ElectCommand.class,
      SnapshotCommand.class,
      CheckCommand.class
    })
public final class StrataCtl {
  @Option(
      names = "--endpoints",
      split = ",",
      scope = ScopeType.INHERIT,
      defaultValue = "127.0.0.1:2379",
      description = "gRPC endpoints (default: ${DEFAULT-VALUE})")
  List<String> endpoints = new ArrayList<>();

  @Option(
      names = "--dial-timeout",
      scope = ScopeType.INHERIT,
      defaultValue = "2s",
      description = "dial timeout for client connections (default: ${DEFAULT-VALUE})")
  String dialTimeout = "2s";

  @Option(
      names = "--command-timeout",
      scope = ScopeType.INHERIT,
      defaultValue = "5s",
      description = "timeout for short running command (default: ${DEFAULT-VALUE})")
  String commandTimeout = "5s";

  @Option(
      names = {"-w", "--write-out"},
      scope = ScopeType.INHERIT,
      defaultValue = "simple",
      description = "set the output format (fields, json, simple, table)")
  String writeOut = "simple";

  final PrintStream out;
  final PrintStream err;
  final InputStream in;

  StrataCtl(PrintStream out, PrintStream err, InputStream in) {
    this.out = out;
    this.err = err;
    this.in = in;
  }

  public static void main(String[] args) {
    System.exit(run(args, Printer.utf8(System.out), Printer.utf8(System.err), System.in));
  }

  /** Runs one command line; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err, InputStream in) {
    StrataCtl root = new StrataCtl(out, err, in);
    CommandLine cl = new CommandLine(root);
    // picocli's usage and error text, in the UTF-8 that stratactl prints everything in.
    cl.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          err.println("Error: " + message(e));
          return e instanceof CtlException c ? c.exitCode() : CtlException.EXIT_ERROR;
        });
    cl.setParameterExceptionHandler(
        (e, line) -> {
          err.println("Error: " + e.getMessage());
          err.println(
              "Run '"
                  + e.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help' for usage.");
          return CtlException.EXIT_BAD_ARGS;
        });
    return cl.execute(args);
  }

  private static String message(Throwable t) {
    Throwable e = Errors.unwrap(t);
    if (e instanceof CtlException c) {
      return c.getMessage();
    }
    EtcdException etcd = Errors.from(e);
    if (etcd.code() == Status.Code.DEADLINE_EXCEEDED) {
      return "context deadline exceeded";
    }
    return etcd.getMessage();
  }

  /** The root of the command {@code spec} belongs to. */
  static StrataCtl of(CommandSpec spec) {
    return (StrataCtl) spec.root().userObject();
  }

  Printer printer() {
    return Printer.of(writeOut, out, err);
  }

  Client client() {
    return client(endpoints);
  }

  Client client(List<String> to) {
    return Client.builder()
        .endpoints(to)
        .dialTimeout(Durations.parse(dialTimeout))
        .requestTimeout(Durations.parse(commandTimeout))
        .build();
  }

  Duration commandTimeout() {
    return Durations.parse(commandTimeout);
  }

  /** A lease id as etcdctl takes it: hexadecimal. */
  static long leaseId(String hex) {
    try {
      return Long.parseUnsignedLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new CtlException(
          CtlException.EXIT_BAD_ARGS,
          "bad lease ID arg (" + e.getMessage() + "), expecting ID in Hex");
    }
  }

  static @Nullable String nullIfEmpty(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
