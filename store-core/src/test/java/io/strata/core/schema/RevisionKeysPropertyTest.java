package io.strata.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The encodings round-trip and order as etcd orders keys and revisions. */
class RevisionKeysPropertyTest {

  @Provide
  Arbitrary<byte[]> keys() {
    // A small alphabet around the escape byte makes prefix and 0x00 cases common.
    return Arbitraries.of((byte) 0, (byte) 1, (byte) 2, (byte) 0xfe, (byte) 0xff, (byte) 'a')
        .array(byte[].class)
        .ofMinSize(1)
        .ofMaxSize(5);
  }

  @Provide
  Arbitrary<Long> revisions() {
    return Arbitraries.longs().between(1, Long.MAX_VALUE / 2);
  }

  @Property
  void versionKey_roundTrips(
      @ForAll("keys") byte[] key, @ForAll("revisions") long main, @ForAll int sub) {
    byte[] vk = RevisionKeys.versionKey(key, main, sub);
    assertThat(RevisionKeys.versionUserKey(vk)).isEqualTo(key);
    assertThat(RevisionKeys.versionMain(vk)).isEqualTo(main);
    assertThat(RevisionKeys.versionSub(vk)).isEqualTo(sub);
    assertThat(RevisionKeys.isVersionOf(vk, RevisionKeys.escapedPrefix(key))).isTrue();
  }

  @Property
  void versionKeys_sortByKeyThenNewestFirst(
      @ForAll("keys") byte[] k1,
      @ForAll("revisions") long r1,
      @ForAll("keys") byte[] k2,
      @ForAll("revisions") long r2) {
    int byKey = Arrays.compareUnsigned(k1, k2);
    int encoded =
        Integer.signum(
            Arrays.compareUnsigned(
                RevisionKeys.versionKey(k1, r1, 0), RevisionKeys.versionKey(k2, r2, 0)));
    int expected = byKey != 0 ? Integer.signum(byKey) : Integer.signum(Long.compare(r2, r1));
    assertThat(encoded).isEqualTo(expected);
  }

  @Property
  void bounds_bracketEveryVersionOfAKey(
      @ForAll("keys") byte[] key, @ForAll("keys") byte[] other, @ForAll("revisions") long rev) {
    byte[] vk = RevisionKeys.versionKey(other, rev, 0);
    int cmp = Arrays.compareUnsigned(other, key);
    // keyLowerBound(key) <= every version of keys >= key, and > every version of keys < key.
    assertThat(Arrays.compareUnsigned(vk, RevisionKeys.keyLowerBound(key)) >= 0)
        .isEqualTo(cmp >= 0);
    // afterKey(key) > every version of keys <= key, and <= every version of keys > key.
    assertThat(Arrays.compareUnsigned(vk, RevisionKeys.afterKey(key)) < 0).isEqualTo(cmp <= 0);
  }

  @Property
  void revisionKeys_sortByMainThenSub(
      @ForAll("revisions") long m1, @ForAll int s1, @ForAll("revisions") long m2, @ForAll int s2) {
    s1 = Math.abs(s1 % 100_000);
    s2 = Math.abs(s2 % 100_000);
    int expected = m1 != m2 ? Long.compare(m1, m2) : Integer.compare(s1, s2);
    assertThat(
            Integer.signum(
                Arrays.compareUnsigned(
                    RevisionKeys.revisionKey(m1, s1), RevisionKeys.revisionKey(m2, s2))))
        .isEqualTo(Integer.signum(expected));
  }
}
