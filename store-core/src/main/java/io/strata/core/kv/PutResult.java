package io.strata.core.kv;

import org.jspecify.annotations.Nullable;

/** etcd's {@code PutResponse} body: the new revision and, if asked for, the replaced version. */
public record PutResult(long revision, @Nullable KeyValue prevKv) {}
