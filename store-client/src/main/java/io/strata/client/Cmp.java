package io.strata.client;

import com.google.protobuf.ByteString;
import io.strata.api.etcdserverpb.Compare;

/**
 * Builds the compares of a {@link Txn}: {@code Cmp.modRevision(key).equal(0)} is Kubernetes'
 * create-if-absent. A missing key compares as version, create, mod revision and lease 0; a value
 * compare on a missing key is false (etcd's rules).
 */
public final class Cmp {
  private final Compare.Builder compare;

  private Cmp(ByteString key, Compare.CompareTarget target) {
    this.compare = Compare.newBuilder().setKey(key).setTarget(target);
  }

  public static Cmp version(ByteString key) {
    return new Cmp(key, Compare.CompareTarget.VERSION);
  }

  public static Cmp createRevision(ByteString key) {
    return new Cmp(key, Compare.CompareTarget.CREATE);
  }

  public static Cmp modRevision(ByteString key) {
    return new Cmp(key, Compare.CompareTarget.MOD);
  }

  public static Cmp value(ByteString key) {
    return new Cmp(key, Compare.CompareTarget.VALUE);
  }

  public static Cmp lease(ByteString key) {
    return new Cmp(key, Compare.CompareTarget.LEASE);
  }

  /** Applies the compare to every key in {@code [key, rangeEnd)}. */
  public Cmp rangeEnd(ByteString rangeEnd) {
    compare.setRangeEnd(rangeEnd);
    return this;
  }

  public Compare equal(long number) {
    return number(Compare.CompareResult.EQUAL, number);
  }

  public Compare notEqual(long number) {
    return number(Compare.CompareResult.NOT_EQUAL, number);
  }

  public Compare greater(long number) {
    return number(Compare.CompareResult.GREATER, number);
  }

  public Compare less(long number) {
    return number(Compare.CompareResult.LESS, number);
  }

  public Compare equal(ByteString value) {
    return value(Compare.CompareResult.EQUAL, value);
  }

  public Compare notEqual(ByteString value) {
    return value(Compare.CompareResult.NOT_EQUAL, value);
  }

  public Compare greater(ByteString value) {
    return value(Compare.CompareResult.GREATER, value);
  }

  public Compare less(ByteString value) {
    return value(Compare.CompareResult.LESS, value);
  }

  private Compare number(Compare.CompareResult result, long n) {
    compare.setResult(result);
    switch (compare.getTarget()) {
      case VERSION -> compare.setVersion(n);
      case CREATE -> compare.setCreateRevision(n);
      case MOD -> compare.setModRevision(n);
      case LEASE -> compare.setLease(n);
      default -> throw new IllegalArgumentException("a value compare needs bytes, not a number");
    }
    return compare.build();
  }

  private Compare value(Compare.CompareResult result, ByteString value) {
    if (compare.getTarget() != Compare.CompareTarget.VALUE) {
      throw new IllegalArgumentException(compare.getTarget() + " compares a number, not bytes");
    }
    return compare.setResult(result).setValue(value).build();
  }
}
