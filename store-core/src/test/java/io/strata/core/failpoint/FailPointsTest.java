package io.strata.core.failpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FailPointsTest {
  @Test
  void parse_readsEveryAction() {
    assertThat(FailPoints.parse("a=crash, b=crash@7,c=sleep(20)")).containsOnlyKeys("a", "b", "c");
    assertThat(FailPoints.parse("")).isEmpty();
  }

  @Test
  void parse_badSpec_throws() {
    assertThatThrownBy(() -> FailPoints.parse("a")).hasMessageContaining("name=action");
    assertThatThrownBy(() -> FailPoints.parse("a=explode")).hasMessageContaining("unknown action");
  }

  @Test
  void inject_unarmed_isANoOp() {
    // The build never sets strata.failpoints for unit tests: reaching any point does nothing.
    FailPoints.inject(FailPoints.APPLY_AFTER_COMMIT);
    FailPoints.inject(FailPoints.COMPACTION_MID);
  }
}
