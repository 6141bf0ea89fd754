package io.strata.client.cli;

import io.strata.client.Client;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code snapshot save <file>}: streams a member's snapshot into {@code <file>.part}, checks the
 * SHA-256 trailer, fsyncs and renames it into place, so a half file never carries the final name.
 * {@code snapshot status} and {@code snapshot restore} read the store inside the file and so run
 * from the server's tools ({@code bin/stratactl} routes them there).
 */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = "Manages etcd node snapshots",
    subcommands = {
      SnapshotCommand.Save.class,
      SnapshotCommand.ServerSide.Status.class,
      SnapshotCommand.ServerSide.Restore.class
    })
final class SnapshotCommand {
  private SnapshotCommand() {}

  @Command(
      name = "save",
      mixinStandardHelpOptions = true,
      description = "Stores an etcd node backend snapshot to a given file")
  static final class Save extends Verb {
    @Parameters(index = "0", description = "file to write")
    Path file = Path.of("snapshot.db");

    @Override
    public Integer call() throws Exception {
      StrataCtl ctl = ctl();
      if (ctl.endpoints.size() != 1) {
        throw new CtlException(
            CtlException.EXIT_BAD_ARGS,
            "snapshot must be requested to one selected node, not multiple " + ctl.endpoints);
      }
      Path target = file.toAbsolutePath();
      Path part = target.resolveSibling(target.getFileName() + ".part");
      Progress progress = new Progress(ctl.err, onTerminal());
      try (Client client = ctl.client();
          OutputStream out = new BufferedOutputStream(Files.newOutputStream(part), 1 << 16)) {
        await(client.maintenance().snapshot(out, progress::update));
      } catch (RuntimeException | IOException e) {
        Files.deleteIfExists(part);
        throw e;
      }
      try (var channel =
          java.nio.channels.FileChannel.open(part, java.nio.file.StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      progress.done();
      ctl.out.println("Snapshot saved at " + file);
      return 0;
    }

    // Java 17 is the floor, where System.console() is null unless the JVM runs on a terminal;
    // Console.isTerminal(), which newer JDKs need for that question, only exists from Java 22.
    @SuppressWarnings("SystemConsoleNull")
    private static boolean onTerminal() {
      return System.console() != null;
    }
  }

  /** A one-line progress bar (bytes and rate) on standard error, only on a terminal. */
  static final class Progress {
    private final java.io.PrintStream err;
    private final boolean enabled;
    private final long started = System.nanoTime();
    private long lastPrint;
    private long bytes;

    Progress(java.io.PrintStream err, boolean enabled) {
      this.err = err;
      this.enabled = enabled;
    }

    void update(long total) {
      bytes = total;
      long now = System.nanoTime();
      if (enabled && now - lastPrint > 200_000_000L) {
        lastPrint = now;
        err.print("\r" + line());
        err.flush();
      }
    }

    void done() {
      if (enabled) {
        err.println("\r" + line());
      }
    }

    private String line() {
      double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
      return String.format(
          "snapshot: %s received, %s/s", human(bytes), human((long) ((double) bytes / seconds)));
    }

    private static String human(long n) {
      if (n < 1024) {
        return n + " B";
      }
      int unit = (int) (Math.log((double) n) / Math.log(1024));
      return String.format(
          "%.1f %siB", (double) n / Math.pow(1024, unit), "KMGTPE".charAt(unit - 1));
    }
  }

  /** Verbs that need the server's storage code; without it they explain where they run. */
  static final class ServerSide {
    private ServerSide() {}

    static CtlException unavailable(String verb) {
      return new CtlException(
          CtlException.EXIT_BAD_FEATURE,
          "snapshot "
              + verb
              + " reads the store inside the file and needs the server's tools: run it with"
              + " bin/stratactl from a Strata distribution");
    }

    @Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Gets backend snapshot status of a given file")
    static final class Status extends Verb {
      @Parameters(index = "0", description = "snapshot file")
      String file = "";

      @Override
      public Integer call() {
        throw unavailable("status");
      }
    }

    @Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = "Restores an etcd member snapshot to an etcd directory")
    static final class Restore extends Verb {
      @Parameters(index = "0", description = "snapshot file")
      String file = "";

      @Override
      public Integer call() {
        throw unavailable("restore");
      }
    }
  }
}
