package io.strata.core.kv;

/**
 * etcd's {@code HashKVResponse} body: a CRC-32C over the key space history up to {@code
 * hashRevision}, together with the compact revision it depends on.
 */
public record HashResult(int hash, long compactRevision, long hashRevision, long currentRevision) {}
