package io.strata.client.cli;

import com.google.protobuf.ByteString;
import io.strata.client.internal.Errors;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every verb shares: the root's flags, the client, and waiting for a call. */
abstract class Verb implements Callable<Integer> {
  @Spec CommandSpec spec;

  StrataCtl ctl() {
    return StrataCtl.of(spec);
  }

  /** Waits for a call; its failure propagates as the etcd error it carries. */
  static <T> T await(CompletableFuture<T> call) {
    try {
      return call.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlException(CtlException.EXIT_INTERRUPTED, "interrupted");
    } catch (ExecutionException e) {
      throw Errors.from(e); // unwraps it to the cause
    }
  }

  static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
