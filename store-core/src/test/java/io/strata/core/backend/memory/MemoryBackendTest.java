package io.strata.core.backend.memory;

import io.strata.core.backend.Backend;
import io.strata.core.backend.BackendContractTest;
import java.util.List;

class MemoryBackendTest extends BackendContractTest {
  @Override
  protected Backend newBackend() {
    return new MemoryBackend(List.of(A, B));
  }
}
