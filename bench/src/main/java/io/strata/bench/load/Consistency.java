package io.strata.bench.load;

/** Range consistency, in etcd benchmark's letters ({@code --consistency l|s}). */
enum Consistency {
  LINEARIZABLE("l"),
  SERIALIZABLE("s");

  private final String letter;

  Consistency(String letter) {
    this.letter = letter;
  }

  String letter() {
    return letter;
  }

  static Consistency of(String s) {
    for (Consistency c : values()) {
      if (c.letter.equalsIgnoreCase(s) || c.name().equalsIgnoreCase(s)) {
        return c;
      }
    }
    throw new IllegalArgumentException("--consistency must be l or s, got '" + s + "'");
  }
}
