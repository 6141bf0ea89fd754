/**
 * The on-disk layout of the engine, in one place: column family names ({@link
 * io.strata.core.schema.ColumnFamilies}), meta keys ({@link io.strata.core.schema.MetaKeys}) and
 * the order-preserving key encodings ({@link io.strata.core.schema.RevisionKeys}). Changing
 * anything here changes the storage format.
 */
@NullMarked
package io.strata.core.schema;

import org.jspecify.annotations.NullMarked;
