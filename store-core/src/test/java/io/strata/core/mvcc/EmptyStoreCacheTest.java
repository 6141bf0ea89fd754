package io.strata.core.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.kv.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A store opened empty skips the seek for keys its cache does not hold, as long as the cache holds
 * every key: the versions a put builds on must stay right once keys are evicted, and after a reopen
 * of a store that has keys.
 */
class EmptyStoreCacheTest {
  private static final int KEYS = 200;

  private static void assertVersions(StoreFixture f, long version) {
    for (int i = 0; i < KEYS; i++) {
      List<KeyValue> kvs = f.get("k" + i);
      assertThat(kvs).as("k%d", i).hasSize(1);
      assertThat(kvs.get(0).version()).as("version of k%d", i).isEqualTo(version);
      assertThat(kvs.get(0).createRevision()).as("create revision of k%d", i).isEqualTo(2 + i);
    }
  }

  @Test
  void versionsStayRight_afterTheCacheEvicts() {
    // About 20 entries fit: writing 200 keys evicts most of them.
    try (StoreFixture f = new StoreFixture(new MvccConfig(128, 1000, 4_000), lease -> true)) {
      assertThat(f.store.latestVersions().complete()).isTrue();
      for (int i = 0; i < KEYS; i++) {
        f.put("k" + i, "a");
      }
      assertThat(f.store.latestVersions().complete()).isFalse();
      for (int i = 0; i < KEYS; i++) {
        f.put("k" + i, "b");
      }
      assertVersions(f, 2);
    }
  }

  @Test
  void versionsStayRight_whenEveryKeyFits_andAfterAReopen() {
    try (StoreFixture f = new StoreFixture()) {
      for (int i = 0; i < KEYS; i++) {
        f.put("k" + i, "a");
      }
      f.delete("k0");
      f.put("k0", "again"); // a new life: version 1, a new create revision
      assertThat(f.store.latestVersions().complete()).isTrue();
      assertThat(f.get("k0").get(0).version()).isEqualTo(1);

      f.reopen();
      assertThat(f.store.latestVersions().complete()).isFalse();
      for (int i = 1; i < KEYS; i++) {
        f.put("k" + i, "b");
      }
      for (int i = 1; i < KEYS; i++) {
        assertThat(f.get("k" + i).get(0).version()).isEqualTo(2);
        assertThat(f.get("k" + i).get(0).createRevision()).isEqualTo(2 + i);
      }
    }
  }
}
