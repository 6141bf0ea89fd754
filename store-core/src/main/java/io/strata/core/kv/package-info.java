/**
 * The engine's own request, result and value types: {@link io.strata.core.kv.KeyValue}, {@link
 * io.strata.core.kv.Event}, and one record per etcd request ({@link
 * io.strata.core.kv.RangeRequest}, {@link io.strata.core.kv.PutRequest}, {@link
 * io.strata.core.kv.DeleteRangeRequest}, {@link io.strata.core.kv.TxnRequest}). They mirror etcd's
 * {@code etcdserverpb} messages field for field, without depending on protobuf, so the server maps
 * them one to one.
 *
 * <p>Byte arrays handed to these types are owned by them afterwards: callers must not mutate them.
 */
@NullMarked
package io.strata.core.kv;

import org.jspecify.annotations.NullMarked;
