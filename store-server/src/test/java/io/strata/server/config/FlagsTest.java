package io.strata.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlagsTest {
  @TempDir Path dir;

  private static ServerConfig run(String... args) {
    Flags.Parsed p = Flags.parse(args);
    assertThat(p.action()).isEqualTo(Flags.Action.RUN);
    return p.config();
  }

  @Test
  void noFlags_areEtcdDefaults() {
    ServerConfig c = run();
    assertThat(c.name()).isEqualTo("default");
    assertThat(c.dataDir()).isEqualTo(Path.of("default.strata"));
    assertThat(c.listenClientUrls()).containsExactly(URI.create("http://127.0.0.1:2379"));
    assertThat(c.initialCluster()).containsOnlyKeys("default");
    assertThat(c.maxRequestBytes()).isEqualTo(1_572_864);
    assertThat(c.maxTxnOps()).isEqualTo(128);
    assertThat(c.effectiveQuotaBytes()).isEqualTo(2L << 30);
    assertThat(c.electionTimeoutMs()).isEqualTo(1000);
  }

  @Test
  void etcdSpellings_bothForms() {
    ServerConfig c =
        run(
            "--name=n2",
            "--data-dir",
            "d2",
            "--initial-cluster",
            "n1=http://127.0.0.1:2380,n2=http://127.0.0.1:3380,n3=http://127.0.0.1:4380",
            "--initial-cluster-state=existing",
            "--listen-peer-urls=http://127.0.0.1:3380",
            "--max-txn-ops=64",
            "--auto-compaction-mode=revision",
            "--auto-compaction-retention=1000");
    assertThat(c.name()).isEqualTo("n2");
    assertThat(c.dataDir()).isEqualTo(Path.of("d2"));
    assertThat(c.initialCluster()).containsOnlyKeys("n1", "n2", "n3");
    assertThat(c.peerUrls()).containsExactly(URI.create("http://127.0.0.1:3380"));
    assertThat(c.initialClusterState()).isEqualTo("existing");
    assertThat(c.maxTxnOps()).isEqualTo(64);
  }

  @Test
  void invalidInput_failsFastNamingTheFlag() {
    assertThatThrownBy(() -> Flags.parse(new String[] {"--bogus=1"}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown flag --bogus");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--max-txn-ops=many"}))
        .hasMessageContaining("--max-txn-ops must be a number");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--listen-client-urls=localhost"}))
        .hasMessageContaining("--listen-client-urls");
    assertThatThrownBy(
            () -> Flags.parse(new String[] {"--name=x", "--initial-cluster=y=http://127.0.0.1:1"}))
        .hasMessageContaining("no member named 'x'");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--initial-cluster-state=old"}))
        .hasMessageContaining("--initial-cluster-state");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--auto-compaction-retention=soon"}))
        .hasMessageContaining("--auto-compaction-retention");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--election-timeout=100"}))
        .hasMessageContaining("--election-timeout");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--name"}))
        .hasMessageContaining("needs a value");
  }

  @Test
  void configFile_usesTheSameKeys_andFlagsWin() throws Exception {
    Path file = dir.resolve("strata.yaml");
    Files.writeString(
        file,
        "name: fromfile\nmax-request-bytes: 2048\nlisten-client-urls:\n  - http://127.0.0.1:5379\n");
    ServerConfig c = run("--config-file", file.toString(), "--max-request-bytes=4096");
    assertThat(c.name()).isEqualTo("fromfile");
    assertThat(c.maxRequestBytes()).isEqualTo(4096);
    assertThat(c.listenClientUrls()).isEqualTo(List.of(URI.create("http://127.0.0.1:5379")));
    Files.writeString(file, "nme: typo\n");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--config-file=" + file}))
        .hasMessageContaining("unknown key 'nme'");
  }

  @Test
  void helpAndVersion() {
    assertThat(Flags.parse(new String[] {"--help"}).action()).isEqualTo(Flags.Action.HELP);
    assertThat(Flags.parse(new String[] {"--version"}).action()).isEqualTo(Flags.Action.VERSION);
    assertThat(Flags.usage()).contains("--initial-cluster-token");
  }
}
