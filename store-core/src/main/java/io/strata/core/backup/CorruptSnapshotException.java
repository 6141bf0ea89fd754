package io.strata.core.backup;

import java.io.IOException;

/** A snapshot file that is truncated, altered or not a snapshot; nothing was written from it. */
public final class CorruptSnapshotException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptSnapshotException(String message) {
    super(message);
  }
}
