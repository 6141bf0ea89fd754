package io.strata.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Parses etcd's command-line flags ({@code --flag=value} or {@code --flag value}) and, with {@code
 * --config-file}, a YAML file using the same names without dashes (etcd's config file format);
 * flags given on the command line win over the file. Unknown flags and bad values fail with a
 * {@link ConfigException} naming the flag.
 */
public final class Flags {
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1_572_864;

  /** The flags a member understands, with etcd's defaults. */
  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("name", "default");
    DEFAULTS.put("data-dir", "");
    DEFAULTS.put("listen-client-urls", "http://127.0.0.1:2379");
    DEFAULTS.put("advertise-client-urls", "http://127.0.0.1:2379");
    DEFAULTS.put("listen-peer-urls", "http://127.0.0.1:2380");
    DEFAULTS.put("initial-advertise-peer-urls", "http://127.0.0.1:2380");
    DEFAULTS.put("initial-cluster", "");
    DEFAULTS.put("initial-cluster-state", "new");
    DEFAULTS.put("initial-cluster-token", "etcd-cluster");
    DEFAULTS.put("max-request-bytes", Integer.toString(DEFAULT_MAX_REQUEST_BYTES));
    DEFAULTS.put("max-txn-ops", "128");
    DEFAULTS.put("quota-backend-bytes", "0");
    DEFAULTS.put("snapshot-count", "10000");
    DEFAULTS.put("heartbeat-interval", "100");
    DEFAULTS.put("election-timeout", "1000");
    DEFAULTS.put("auto-compaction-mode", "periodic");
    DEFAULTS.put("auto-compaction-retention", "0");
    DEFAULTS.put("listen-metrics-urls", "");
    DEFAULTS.put("experimental-watch-progress-notify-interval", "10m");
    DEFAULTS.put("config-file", "");
  }

  private static final Set<String> BOOLEAN_HELP = Set.of("help", "h", "version");

  private Flags() {}

  /** What the command line asked for besides running: help or version. */
  public enum Action {
    RUN,
    HELP,
    VERSION
  }

  /** Parses {@code args}; returns the action and, for RUN, the config. */
  public static Parsed parse(String[] args) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("-")) {
        throw new ConfigException("unexpected argument '" + arg + "'; flags start with --");
      }
      String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      String flag = body;
      String value = null;
      int eq = body.indexOf('=');
      if (eq >= 0) {
        flag = body.substring(0, eq);
        value = body.substring(eq + 1);
      }
      if (BOOLEAN_HELP.contains(flag)) {
        return new Parsed(flag.equals("version") ? Action.VERSION : Action.HELP, null);
      }
      if (!DEFAULTS.containsKey(flag)) {
        throw new ConfigException("unknown flag --" + flag + " (see --help)");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new ConfigException("flag --" + flag + " needs a value");
        }
        value = args[++i];
      }
      given.put(flag, value);
    }
    Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
    String file = given.getOrDefault("config-file", "");
    if (!file.isEmpty()) {
      values.putAll(readFile(Path.of(file)));
    }
    values.putAll(given);
    return new Parsed(Action.RUN, build(values));
  }

  /** The result of parsing: an action, and the config when the action is RUN. */
  public record Parsed(Action action, @org.jspecify.annotations.Nullable ServerConfig config) {}

  private static Map<String, String> readFile(Path file) {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    Object doc;
    try (InputStream in = Files.newInputStream(file)) {
      doc = yaml.load(in);
    } catch (IOException e) {
      throw new ConfigException("--config-file " + file + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new ConfigException("--config-file " + file + ": not valid YAML: " + e.getMessage());
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (doc == null) {
      return values;
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new ConfigException("--config-file " + file + ": expected a mapping of flag names");
    }
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (!DEFAULTS.containsKey(key) || key.equals("config-file")) {
        throw new ConfigException("--config-file " + file + ": unknown key '" + key + "'");
      }
      Object v = e.getValue();
      values.put(
          key,
          v instanceof List<?> list
              ? String.join(",", list.stream().map(String::valueOf).toList())
              : String.valueOf(v));
    }
    return values;
  }

  private static ServerConfig build(Map<String, String> v) {
    String name = v.get("name");
    if (name.isBlank()) {
      throw new ConfigException("--name must not be empty");
    }
    String dataDir = v.get("data-dir");
    if (dataDir.isEmpty()) {
      dataDir = name + ".strata";
    }
    List<URI> listenClient = urls("listen-client-urls", v.get("listen-client-urls"), false);
    List<URI> advertiseClient =
        urls("advertise-client-urls", v.get("advertise-client-urls"), false);
    List<URI> listenPeer = urls("listen-peer-urls", v.get("listen-peer-urls"), false);
    List<URI> advertisePeer =
        urls("initial-advertise-peer-urls", v.get("initial-advertise-peer-urls"), false);
    String clusterFlag = v.get("initial-cluster");
    Map<String, List<URI>> cluster =
        clusterFlag.isEmpty() ? Map.of(name, advertisePeer) : initialCluster(clusterFlag);
    if (!cluster.containsKey(name)) {
      throw new ConfigException(
          "--initial-cluster has no member named '"
              + name
              + "' (--name); it lists "
              + cluster.keySet());
    }
    String state = v.get("initial-cluster-state").toLowerCase(Locale.ROOT);
    if (!state.equals("new") && !state.equals("existing")) {
      throw new ConfigException(
          "--initial-cluster-state must be 'new' or 'existing', got '" + state + "'");
    }
    String mode = v.get("auto-compaction-mode").toLowerCase(Locale.ROOT);
    if (!mode.equals("periodic") && !mode.equals("revision")) {
      throw new ConfigException(
          "--auto-compaction-mode must be 'periodic' or 'revision', got '" + mode + "'");
    }
    String retention = v.get("auto-compaction-retention");
    AutoCompaction.parse(mode, retention); // validates
    int heartbeat = intFlag(v, "heartbeat-interval", 1, 50_000);
    int election = intFlag(v, "election-timeout", 1, 50_000);
    if (election < 5 * heartbeat) {
      throw new ConfigException(
          "--election-timeout ("
              + election
              + "ms) should be at least 5 times --heartbeat-interval ("
              + heartbeat
              + "ms)");
    }
    String metrics = v.get("listen-metrics-urls");
    return new ServerConfig(
        name,
        Path.of(dataDir),
        listenClient,
        advertiseClient,
        listenPeer,
        advertisePeer,
        cluster,
        state,
        v.get("initial-cluster-token"),
        intFlag(v, "max-request-bytes", 1, Integer.MAX_VALUE - (1 << 20)),
        intFlag(v, "max-txn-ops", 1, Integer.MAX_VALUE),
        longFlag(v, "quota-backend-bytes", 0),
        longFlag(v, "snapshot-count", 1),
        heartbeat,
        election,
        mode,
        retention,
        metrics.isEmpty() ? List.of() : urls("listen-metrics-urls", metrics, false),
        duration(
            "experimental-watch-progress-notify-interval",
            v.get("experimental-watch-progress-notify-interval")));
  }

  private static java.time.Duration duration(String flag, String value) {
    try {
      java.time.Duration d = AutoCompaction.parseDuration(value.trim());
      if (d.isZero()) {
        throw new ConfigException("--" + flag + " must be positive, got '" + value + "'");
      }
      return d;
    } catch (ConfigException e) {
      throw new ConfigException(
          "--" + flag + " must be a duration such as 10m or 500ms, got '" + value + "'");
    }
  }

  private static Map<String, List<URI>> initialCluster(String flag) {
    Map<String, List<URI>> cluster = new LinkedHashMap<>();
    for (String part : flag.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            "--initial-cluster entry '"
                + part
                + "' is not name=url (e.g. infra0=http://10.0.1.10:2380)");
      }
      String member = part.substring(0, eq).trim();
      URI url = url("initial-cluster", part.substring(eq + 1).trim());
      cluster.computeIfAbsent(member, k -> new ArrayList<>()).add(url);
    }
    return cluster;
  }

  private static List<URI> urls(String flag, String value, boolean allowEmpty) {
    List<URI> out = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        out.add(url(flag, part.trim()));
      }
    }
    if (out.isEmpty() && !allowEmpty) {
      throw new ConfigException("--" + flag + " needs at least one URL");
    }
    return out;
  }

  private static URI url(String flag, String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--" + flag + ": '" + value + "' is not a URL");
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new ConfigException(
          "--" + flag + ": '" + value + "' must start with http:// or https://");
    }
    if (uri.getHost() == null || uri.getPort() <= 0) {
      throw new ConfigException("--" + flag + ": '" + value + "' needs a host and a port");
    }
    if ("https".equals(uri.getScheme())) {
      throw new ConfigException(
          "--" + flag + ": TLS (https) is not supported yet: '" + value + "'");
    }
    return uri;
  }

  private static int intFlag(Map<String, String> v, String flag, int min, int max) {
    long value = longFlag(v, flag, min);
    if (value > max) {
      throw new ConfigException("--" + flag + " must be at most " + max + ", got " + value);
    }
    return (int) value;
  }

  private static long longFlag(Map<String, String> v, String flag, long min) {
    String raw = v.get(flag).trim();
    long value;
    try {
      value = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new ConfigException("--" + flag + " must be a number, got '" + raw + "'");
    }
    if (value < min) {
      throw new ConfigException("--" + flag + " must be at least " + min + ", got " + value);
    }
    return value;
  }

  /** The usage text for --help. */
  public static String usage() {
    StringBuilder sb =
        new StringBuilder(
            "Usage: strata [flags]\n\nStarts one Strata member. Flags follow etcd's names and"
                + " defaults:\n\n");
    DEFAULTS.forEach(
        (flag, def) ->
            sb.append(
                String.format("  --%-30s default: %s%n", flag, def.isEmpty() ? "(none)" : def)));
    sb.append("\nWith no flags: one member on 127.0.0.1:2379, data in ./default.strata.\n");
    return sb.toString();
  }
}
