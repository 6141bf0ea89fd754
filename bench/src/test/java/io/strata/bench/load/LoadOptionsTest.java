package io.strata.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

  @Test
  void parse_noFlags_etcdBenchmarkDefaults() {
    LoadOptions o = LoadOptions.parse(Workload.PUT, List.of());

    assertThat(o.endpoints()).containsExactly("127.0.0.1:2379");
    assertThat(o.conns()).isEqualTo(1);
    assertThat(o.clients()).isEqualTo(1);
    assertThat(o.total()).isEqualTo(10_000);
    assertThat(o.duration()).isNull();
    assertThat(o.keySize()).isEqualTo(8);
    assertThat(o.valSize()).isEqualTo(8);
    assertThat(o.keySpaceSize()).isEqualTo(1);
    assertThat(o.consistency()).isEqualTo(Consistency.LINEARIZABLE);
  }

  @Test
  void parse_allFlags_bothSpellings() {
    LoadOptions o =
        LoadOptions.parse(
            Workload.RANGE,
            List.of(
                "--endpoints=http://127.0.0.1:2379, 127.0.0.1:22379",
                "--conns",
                "4",
                "--clients",
                "16",
                "--duration",
                "1.5s",
                "--key-size=16",
                "--key-space-size",
                "100_000",
                "--consistency",
                "s",
                "--sequential-keys"));

    assertThat(o.endpoints()).containsExactly("127.0.0.1:2379", "127.0.0.1:22379");
    assertThat(o.conns()).isEqualTo(4);
    assertThat(o.clients()).isEqualTo(16);
    assertThat(o.total()).isZero();
    assertThat(o.duration()).isEqualTo(Duration.ofMillis(1500));
    assertThat(o.keySize()).isEqualTo(16);
    assertThat(o.keySpaceSize()).isEqualTo(100_000);
    assertThat(o.sequentialKeys()).isTrue();
    assertThat(o.consistency()).isEqualTo(Consistency.SERIALIZABLE);
    assertThat(o.workloadName()).isEqualTo("range-s");
  }

  @Test
  void parse_unknownFlag_throws() {
    assertThatThrownBy(() -> LoadOptions.parse(Workload.PUT, List.of("--client", "3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--client");
  }

  @Test
  void parse_outOfRange_namesTheFlag() {
    assertThatThrownBy(() -> LoadOptions.parse(Workload.PUT, List.of("--clients", "0")))
        .hasMessageContaining("--clients");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.PUT, List.of("--duration", "10")))
        .hasMessageContaining("unit");
    assertThatThrownBy(() -> LoadOptions.parse(Workload.RANGE, List.of("--consistency", "x")))
        .hasMessageContaining("--consistency");
  }

  @Test
  void runSpec_parse_defaultsConnsToClientsUpTo16() {
    assertThat(RunSpec.parseList("put:1,put:256,range-s:16:4,range-l:8"))
        .containsExactly(
            new RunSpec(Workload.PUT, Consistency.LINEARIZABLE, 1, 1),
            new RunSpec(Workload.PUT, Consistency.LINEARIZABLE, 256, 16),
            new RunSpec(Workload.RANGE, Consistency.SERIALIZABLE, 16, 4),
            new RunSpec(Workload.RANGE, Consistency.LINEARIZABLE, 8, 8));
    assertThatThrownBy(() -> RunSpec.parse("txn:4")).hasMessageContaining("workload");
  }

  @Test
  void encodeKey_bigEndianInTheLastBytes() {
    assertThat(LoadGenerator.encodeKey(0x0102, 4).toByteArray()).containsExactly(0, 0, 1, 2);
    assertThat(LoadGenerator.encodeKey(0x0102, 1).toByteArray()).containsExactly(2);
    assertThat(LoadGenerator.encodeKey(7, 10).size()).isEqualTo(10);
  }

  @Test
  void main_badCommand_exitCode2() throws Exception {
    var err = new java.io.ByteArrayOutputStream();
    int code =
        LoadMain.run(
            List.of("frobnicate"),
            new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
            new java.io.PrintStream(err));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("unknown command 'frobnicate'");
  }
}
