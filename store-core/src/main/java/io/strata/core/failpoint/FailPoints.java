package io.strata.core.failpoint;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The failpoints of a member, all named here so they can be found with grep. Tests arm them with
 * the system property {@code strata.failpoints}, a comma-separated list of {@code name=action}:
 *
 * <ul>
 *   <li>{@code crash} or {@code crash@N}: halt the JVM with exit status 137 at the first (or N-th)
 *       time the point is reached, without running shutdown hooks, like SIGKILL;
 *   <li>{@code sleep(MS)}: stall the calling thread for MS milliseconds every time.
 * </ul>
 *
 * <p>Production never sets the property; then {@link #inject} returns at once.
 */
public final class FailPoints {
  /** After an entry's RocksDB write batch is committed, before the reply is returned. */
  public static final String APPLY_AFTER_COMMIT = "apply-after-commit";

  /** After the snapshot checkpoint is written, before it is published as the latest snapshot. */
  public static final String SNAPSHOT_TAKE = "snapshot-take";

  /** After the old store is closed, before the store is rebuilt from an installed snapshot. */
  public static final String SNAPSHOT_INSTALL = "snapshot-install";

  /** Between two compaction batches, before the finished compact revision is recorded. */
  public static final String COMPACTION_MID = "compaction-mid";

  /** The system property that arms failpoints. */
  public static final String PROPERTY = "strata.failpoints";

  private static final Map<String, Action> ARMED = parse(System.getProperty(PROPERTY, ""));
  private static final boolean ENABLED = !ARMED.isEmpty();

  private FailPoints() {}

  /** Reaches the failpoint {@code name}: nothing happens unless a test armed it. */
  public static void inject(String name) {
    if (!ENABLED) {
      return;
    }
    Action a = ARMED.get(name);
    if (a != null) {
      a.reached(name);
    }
  }

  private record Action(String kind, long argument, AtomicLong hits) {
    void reached(String name) {
      long hit = hits.incrementAndGet();
      if (kind.equals("crash") && hit == argument) {
        // Straight to stderr: the log shows where the member died; then no hook, no flush.
        System.err.println("failpoint " + name + " reached (hit " + hit + "): crashing");
        System.err.flush();
        Runtime.getRuntime().halt(137);
      } else if (kind.equals("sleep")) {
        try {
          TimeUnit.MILLISECONDS.sleep(argument);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  static Map<String, Action> parse(String spec) {
    Map<String, Action> armed = new ConcurrentHashMap<>();
    // -1 keeps trailing empty parts, which are skipped below like any other empty part.
    for (String part : spec.split(",", -1)) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(PROPERTY + ": '" + p + "' is not name=action");
      }
      String name = p.substring(0, eq);
      String action = p.substring(eq + 1);
      if (action.equals("crash")) {
        armed.put(name, new Action("crash", 1, new AtomicLong()));
      } else if (action.startsWith("crash@")) {
        armed.put(name, new Action("crash", Long.parseLong(action.substring(6)), new AtomicLong()));
      } else if (action.startsWith("sleep(") && action.endsWith(")")) {
        armed.put(
            name,
            new Action(
                "sleep",
                Long.parseLong(action.substring(6, action.length() - 1)),
                new AtomicLong()));
      } else {
        throw new IllegalArgumentException(PROPERTY + ": unknown action '" + action + "'");
      }
    }
    return armed;
  }
}
