package io.strata.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.core.kv.Bytes;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link Backend} must do; each implementation's test extends this suite. */
public abstract class BackendContractTest {
  protected static final String A = "key";
  protected static final String B = "meta";

  private Backend backend;

  /** A new, empty backend with the column families {@link #A} and {@link #B}. */
  protected abstract Backend newBackend();

  @BeforeEach
  void open() {
    backend = newBackend();
  }

  @AfterEach
  void closeBackend() {
    backend.close();
  }

  private void write(String column, String key, String value) {
    try (WriteBatch batch = backend.newBatch()) {
      batch.put(column, Bytes.utf8(key), Bytes.utf8(value));
      backend.write(batch);
    }
  }

  private static @Nullable String str(byte @Nullable [] b) {
    return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void get_returnsWhatWasWritten_perColumn() {
    write(A, "k", "1");
    write(B, "k", "2");
    try (ReadView view = backend.latest()) {
      assertThat(str(view.get(A, Bytes.utf8("k")))).isEqualTo("1");
      assertThat(str(view.get(B, Bytes.utf8("k")))).isEqualTo("2");
      assertThat(view.get(A, Bytes.utf8("missing"))).isNull();
    }
  }

  @Test
  void batch_isAtomicAndDeletes() {
    write(A, "x", "0");
    try (WriteBatch batch = backend.newBatch()) {
      batch.put(A, Bytes.utf8("a"), Bytes.utf8("1"));
      batch.put(B, Bytes.utf8("b"), Bytes.utf8("2"));
      batch.delete(A, Bytes.utf8("x"));
      assertThat(batch.count()).isEqualTo(3);
      try (ReadView before = backend.latest()) {
        assertThat(before.get(A, Bytes.utf8("a"))).isNull();
      }
      backend.write(batch);
    }
    try (ReadView view = backend.latest()) {
      assertThat(view.get(A, Bytes.utf8("a"))).isNotNull();
      assertThat(view.get(B, Bytes.utf8("b"))).isNotNull();
      assertThat(view.get(A, Bytes.utf8("x"))).isNull();
    }
  }

  @Test
  void view_isIsolatedFromLaterWrites() {
    write(A, "k", "1");
    try (ReadView view = backend.openView()) {
      write(A, "k", "2");
      write(A, "new", "3");
      assertThat(str(view.get(A, Bytes.utf8("k")))).isEqualTo("1");
      assertThat(view.get(A, Bytes.utf8("new"))).isNull();
      try (KeyIterator it = view.iterator(A, null)) {
        it.seekToFirst();
        assertThat(str(it.key())).isEqualTo("k");
        it.next();
        assertThat(it.valid()).isFalse();
      }
    }
  }

  @Test
  void iterator_ordersUnsigned_andHonorsUpperBound() {
    byte[][] keys = {{1}, {1, 0}, {(byte) 0x7f}, {(byte) 0x80}, {(byte) 0xff}};
    try (WriteBatch batch = backend.newBatch()) {
      for (int i = keys.length - 1; i >= 0; i--) {
        batch.put(A, keys[i], Bytes.EMPTY);
      }
      backend.write(batch);
    }
    try (ReadView view = backend.latest();
        KeyIterator it = view.iterator(A, new byte[] {(byte) 0xff})) {
      List<byte[]> seen = new ArrayList<>();
      for (it.seekToFirst(); it.valid(); it.next()) {
        seen.add(it.key());
      }
      assertThat(seen).containsExactly(keys[0], keys[1], keys[2], keys[3]);
    }
  }

  @Test
  void iterator_seeksBothWays() {
    for (String k : List.of("b", "d", "f")) {
      write(A, k, k);
    }
    try (ReadView view = backend.latest();
        KeyIterator it = view.iterator(A, null)) {
      it.seek(Bytes.utf8("c"));
      assertThat(str(it.key())).isEqualTo("d");
      it.seekForPrev(Bytes.utf8("c"));
      assertThat(str(it.key())).isEqualTo("b");
      it.prev();
      assertThat(it.valid()).isFalse();
      it.seekToLast();
      assertThat(str(it.value())).isEqualTo("f");
      it.seek(Bytes.utf8("g"));
      assertThat(it.valid()).isFalse();
    }
  }
}
