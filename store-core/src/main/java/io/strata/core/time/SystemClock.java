package io.strata.core.time;

/** The production {@link Clock}: {@link System#nanoTime()}. */
public enum SystemClock implements Clock {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
