package io.strata.core.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaseIdGeneratorTest {

  @Test
  void next_isPositiveUniqueAndCarriesTheMember() {
    LeaseIdGenerator ids = new LeaseIdGenerator(0xABCD_1234L, 1_700_000_000_000L);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      long id = ids.next();
      assertThat(id).isPositive();
      assertThat(seen.add(id)).isTrue();
      assertThat(id >>> 48).isEqualTo(0x1234L);
    }
  }

  @Test
  void next_clearsTheSignBit() {
    LeaseIdGenerator ids = new LeaseIdGenerator(0xFFFF, 0);
    assertThat(ids.next()).isPositive().isEqualTo((0xFFFFL << 48 | 1) & Long.MAX_VALUE);
  }
}
