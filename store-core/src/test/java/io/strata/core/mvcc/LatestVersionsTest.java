package io.strata.core.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LatestVersionsTest {
  private static Version live(String key, long rev, int valueBytes) {
    return Version.live(
        key.getBytes(StandardCharsets.UTF_8), rev, 0, rev, 1, 0, new byte[valueBytes]);
  }

  private static byte[] key(String k) {
    return k.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void keepsTheNewestVersionPerKey() {
    LatestVersions cache = new LatestVersions(1 << 20);
    cache.put(live("a", 2, 10));
    cache.put(live("a", 5, 10));
    Version a = cache.get(key("a"));
    assertThat(a).isNotNull();
    assertThat(a.main()).isEqualTo(5);
    assertThat(cache.get(key("b"))).isNull();
  }

  @Test
  void evictsLeastRecentlyUsedWithinItsByteBudget() {
    // Each entry costs 1 key byte + 100 value bytes + the fixed overhead; three fit, four do not.
    LatestVersions cache = new LatestVersions(3 * (1 + 100 + LatestVersions.ENTRY_OVERHEAD));
    cache.put(live("a", 2, 100));
    cache.put(live("b", 3, 100));
    cache.put(live("c", 4, 100));
    cache.get(key("a")); // a is now the most recently used
    cache.put(live("d", 5, 100));
    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.get(key("b"))).isNull();
    assertThat(cache.get(key("a"))).isNotNull();
    assertThat(cache.get(key("d"))).isNotNull();
  }

  @Test
  void aVersionLargerThanTheBudgetIsNotKeptAndDropsTheOldOne() {
    LatestVersions cache = new LatestVersions(1000);
    cache.put(live("a", 2, 10));
    cache.put(live("a", 3, 5000));
    assertThat(cache.get(key("a"))).isNull();
    assertThat(cache.size()).isZero();
  }

  @Test
  void zeroCapacityDisablesIt() {
    LatestVersions cache = new LatestVersions(0);
    cache.put(live("a", 2, 0));
    assertThat(cache.get(key("a"))).isNull();
  }

  @Test
  void complete_untilTheFirstKeyLeaves() {
    LatestVersions cache = new LatestVersions(3 * (1 + 100 + LatestVersions.ENTRY_OVERHEAD));
    assertThat(cache.complete()).isFalse();
    cache.markCompleteForEmptyStore();
    cache.put(live("a", 2, 100));
    cache.put(live("a", 3, 100)); // a new version of a cached key keeps it complete
    cache.put(live("b", 4, 100));
    cache.put(live("c", 5, 100));
    assertThat(cache.complete()).isTrue();
    cache.put(live("d", 6, 100)); // one key is evicted: a miss may now be a key in the store
    assertThat(cache.complete()).isFalse();

    LatestVersions removed = new LatestVersions(1 << 20);
    removed.markCompleteForEmptyStore();
    removed.put(live("a", 2, 10));
    removed.remove(key("a")); // a failed commit: what the store holds is unknown
    assertThat(removed.complete()).isFalse();

    LatestVersions tooLarge = new LatestVersions(1000);
    tooLarge.markCompleteForEmptyStore();
    tooLarge.put(live("a", 2, 5000));
    assertThat(tooLarge.complete()).isFalse();

    LatestVersions none = new LatestVersions(0);
    none.markCompleteForEmptyStore();
    assertThat(none.complete()).isFalse();
  }
}
