package io.strata.core.mvcc;

import io.strata.core.BackendException;
import io.strata.core.CompactedException;
import io.strata.core.FutureRevisionException;
import io.strata.core.backend.Backend;
import io.strata.core.backend.KeyIterator;
import io.strata.core.backend.ReadView;
import io.strata.core.backend.WriteBatch;
import io.strata.core.kv.AppliedIndex;
import io.strata.core.kv.Event;
import io.strata.core.kv.HashResult;
import io.strata.core.kv.RangeRequest;
import io.strata.core.kv.RangeResult;
import io.strata.core.schema.ColumnFamilies;
import io.strata.core.schema.MetaKeys;
import io.strata.core.schema.RevisionKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongPredicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link KvStore} on a {@link Backend}. See {@code schema.ColumnFamilies} for the layout.
 *
 * <p>Reads take a backend snapshot and then check their revision against the compact revision, in
 * that order: physical compaction starts only after the compact revision is raised, so a snapshot
 * taken before the check cannot miss versions the read is allowed to see.
 */
public final class MvccStore implements KvStore {
  private static final Logger LOG = LoggerFactory.getLogger(MvccStore.class);
  private static final NavigableMap<byte[], List<Version>> NO_OVERLAY =
      Collections.unmodifiableNavigableMap(new TreeMap<>(java.util.Arrays::compareUnsigned));

  private final Backend backend;
  private final MvccConfig config;

  /** Changed only by the holder of {@link #writer}; looked up by any reader. */
  private final LatestVersions latestVersions;

  private final LongPredicate leaseExists;
  private final Compactor compactor;

  /** Serializes writers: one {@link ApplyBatch} at a time. */
  private final ReentrantLock writer = new ReentrantLock();

  // Written by the committing writer after its backend write; read by anyone.
  private volatile long currentRevision;
  private volatile long compactRevision;
  private volatile AppliedIndex appliedIndex;

  /** Set first thing by close(), so that the cache stops answering for a closed store. */
  private volatile boolean closed;

  private MvccStore(Backend backend, MvccConfig config, LongPredicate leaseExists) {
    this.backend = backend;
    this.config = config;
    this.latestVersions = new LatestVersions(config.latestCacheBytes());
    this.leaseExists = leaseExists;
    try (ReadView view = backend.latest()) {
      byte[] format = view.get(ColumnFamilies.META, MetaKeys.FORMAT);
      if (format == null) {
        initialize();
      } else if (RevisionKeys.getLong(format, 0) != MetaKeys.CURRENT_FORMAT) {
        throw new BackendException("unsupported storage format " + RevisionKeys.getLong(format, 0));
      }
      currentRevision = readLong(view, MetaKeys.REVISION, 1);
      compactRevision = readLong(view, MetaKeys.SCHEDULED_COMPACT, 0);
      long finished = readLong(view, MetaKeys.FINISHED_COMPACT, 0);
      byte[] marker = view.get(ColumnFamilies.META, MetaKeys.APPLIED_INDEX);
      appliedIndex =
          marker == null
              ? AppliedIndex.NONE
              : new AppliedIndex(RevisionKeys.getLong(marker, 0), RevisionKeys.getLong(marker, 8));
      if (!hasKeys(view)) {
        latestVersions.markCompleteForEmptyStore();
      }
      compactor = new Compactor(backend, config.compactionBatchLimit(), finished);
      if (finished < compactRevision) {
        // A compaction was accepted but not finished before the last stop: resume it.
        compactor.schedule(compactRevision, new CompletableFuture<>());
      }
    }
    LOG.atInfo()
        .setMessage("store opened")
        .addKeyValue("revision", currentRevision)
        .addKeyValue("compact-revision", compactRevision)
        .addKeyValue("applied-index", appliedIndex.index())
        .log();
  }

  /**
   * Opens the store kept in {@code backend}, creating an empty one (at revision 1) if it holds
   * none. {@code leaseExists} says which lease ids writes may attach keys to.
   */
  public static MvccStore open(Backend backend, MvccConfig config, LongPredicate leaseExists) {
    return new MvccStore(
        Objects.requireNonNull(backend, "backend"),
        Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(leaseExists, "leaseExists"));
  }

  /** Opens with default settings, accepting every lease id. */
  public static MvccStore open(Backend backend) {
    return open(backend, MvccConfig.defaults(), lease -> true);
  }

  private void initialize() {
    try (WriteBatch batch = backend.newBatch()) {
      batch.put(
          ColumnFamilies.META, MetaKeys.FORMAT, RevisionKeys.longBytes(MetaKeys.CURRENT_FORMAT));
      batch.put(ColumnFamilies.META, MetaKeys.REVISION, RevisionKeys.longBytes(1));
      backend.write(batch);
    }
  }

  private static long readLong(ReadView view, byte[] key, long absent) {
    byte[] v = view.get(ColumnFamilies.META, key);
    return v == null ? absent : RevisionKeys.getLong(v, 0);
  }

  MvccConfig config() {
    return config;
  }

  boolean leaseExists(long lease) {
    return leaseExists.test(lease);
  }

  @Override
  public long currentRevision() {
    return currentRevision;
  }

  @Override
  public long compactRevision() {
    return compactRevision;
  }

  @Override
  public AppliedIndex appliedIndex() {
    return appliedIndex;
  }

  @Override
  public RangeResult range(RangeRequest request) {
    TxnChecks.checkRange(request);
    long current = currentRevision;
    if (request.rangeEnd().length == 0 && !closed) {
      // A point read answered from the cache needs neither a snapshot nor a seek. The revision is
      // read before the lookup, which is what makes a cached version at or below it the visible
      // one (see LatestVersions); the checks still give etcd's errors for bad revisions.
      Version cached = latestVersions.get(request.key());
      long rev = checkRevision(request.revision(), current);
      if (cached != null && cached.main() <= rev) {
        return RangeExecutor.execute(
            request, (range, at, visitor) -> visitor.visit(cached), rev, current);
      }
    }
    try (ReadView view = backend.openView()) {
      long rev = checkRevision(request.revision(), current);
      return RangeExecutor.execute(
          request, new VersionScanner(view, NO_OVERLAY)::scan, rev, current);
    }
  }

  private static boolean hasKeys(ReadView view) {
    try (KeyIterator it = view.iterator(ColumnFamilies.KEY, null)) {
      it.seekToFirst();
      return it.valid();
    }
  }

  /** etcd's order of checks: future first, then "0 means current", then compacted. */
  private long checkRevision(long requested, long current) {
    if (requested > current) {
      throw new FutureRevisionException(current);
    }
    long rev = requested <= 0 ? current : requested;
    long compacted = compactRevision;
    if (rev < compacted) {
      throw new CompactedException(compacted);
    }
    return rev;
  }

  @Override
  public ApplyBatch newBatch() {
    writer.lock();
    try {
      return new ApplyBatch(this, backend.latest(), backend.newBatch());
    } catch (RuntimeException e) {
      writer.unlock();
      throw e;
    }
  }

  /** Called by the batch holding the writer lock. */
  void commit(
      WriteBatch batch,
      long revision,
      long compactRev,
      AppliedIndex index,
      @Nullable CompletableFuture<Void> compaction) {
    backend.write(batch);
    currentRevision = revision;
    appliedIndex = index;
    if (compaction != null) {
      compactRevision = compactRev;
      compactor.schedule(compactRev, compaction);
    }
  }

  /** The cache of newest versions; only the batch holding the writer lock may change it. */
  LatestVersions latestVersions() {
    return latestVersions;
  }

  void releaseWriter() {
    writer.unlock();
  }

  @Override
  public List<Event> history(
      long fromRevision, long toRevision, boolean withPrevKv, int maxEvents) {
    long current = currentRevision;
    long to = Math.min(toRevision, current);
    try (ReadView view = backend.openView()) {
      long compacted = compactRevision;
      if (fromRevision < compacted) {
        throw new CompactedException(compacted);
      }
      List<Event> events = new ArrayList<>();
      if (fromRevision > to) {
        return events;
      }
      try (KeyIterator revisions =
              view.iterator(ColumnFamilies.REVISION, RevisionKeys.revisionKey(to + 1, 0));
          KeyIterator versions = view.iterator(ColumnFamilies.KEY, null)) {
        revisions.seek(RevisionKeys.revisionKey(Math.max(fromRevision, 1), 0));
        long lastMain = -1;
        while (revisions.valid()) {
          byte[] revisionKey = revisions.key();
          long main = RevisionKeys.revisionMain(revisionKey);
          if (events.size() >= maxEvents && main != lastMain) {
            break;
          }
          lastMain = main;
          // Like etcd, which reads prev_kv at revision - 1: none for an event at or below the
          // compact revision, whether or not compaction has physically removed it yet.
          boolean prevKv = withPrevKv && main > compacted;
          events.add(event(versions, revisions.value(), revisionKey, prevKv));
          revisions.next();
        }
      }
      return events;
    }
  }

  private static Event event(
      KeyIterator versions, byte[] userKey, byte[] revisionKey, boolean withPrevKv) {
    long main = RevisionKeys.revisionMain(revisionKey);
    int sub = RevisionKeys.revisionSub(revisionKey);
    byte[] versionKey = RevisionKeys.versionKey(userKey, main, sub);
    versions.seek(versionKey);
    if (!versions.valid() || !java.util.Arrays.equals(versions.key(), versionKey)) {
      throw new BackendException("revision index names a missing version at " + main + "." + sub);
    }
    Version v = Version.decode(versionKey, versions.value(), userKey);
    Version prev = null;
    // etcd's watch reads prev_kv at revision - 1 (not a version of this same revision, which a
    // transaction may have written), except for a put that creates the key.
    boolean creates = !v.tombstone() && v.createRevision() == main;
    if (withPrevKv && !creates) {
      versions.seek(RevisionKeys.versionKey(userKey, main - 1, -1));
      if (versions.valid()
          && RevisionKeys.isVersionOf(versions.key(), RevisionKeys.escapedPrefix(userKey))) {
        Version older = Version.decode(versions.key(), versions.value(), userKey);
        prev = older.tombstone() ? null : older;
      }
    }
    return new Event(
        v.tombstone() ? Event.Type.DELETE : Event.Type.PUT,
        v.toKeyValue(),
        prev == null ? null : prev.toKeyValue());
  }

  @Override
  public HashResult hashKv(long revision) {
    long current = currentRevision;
    try (ReadView view = backend.openView()) {
      long compacted = compactRevision;
      if (revision > current) {
        throw new FutureRevisionException(current);
      }
      long rev = revision <= 0 ? current : revision;
      if (rev < compacted) {
        throw new CompactedException(compacted);
      }
      return new HashResult(KvHasher.hash(view, rev, compacted), compacted, rev, current);
    }
  }

  /** A member-state value written by {@link ApplyBatch#putState}, or null. */
  public byte @Nullable [] state(String name) {
    try (ReadView view = backend.latest()) {
      return view.get(ColumnFamilies.META, MetaKeys.stateKey(name));
    }
  }

  /**
   * Every member-state value whose name starts with {@code prefix}, by name in byte order of the
   * UTF-8 names (the order {@link ApplyBatch#putState} stores them in), read from one consistent
   * state of the store.
   */
  public NavigableMap<String, byte[]> states(String prefix) {
    NavigableMap<String, byte[]> out = new TreeMap<>();
    byte[] start = MetaKeys.stateKey(prefix);
    int nameAt = MetaKeys.stateKey("").length;
    try (ReadView view = backend.latest();
        KeyIterator it = view.iterator(ColumnFamilies.META, null)) {
      for (it.seek(start); it.valid(); it.next()) {
        byte[] key = it.key();
        if (!startsWith(key, start)) {
          break;
        }
        out.put(
            new String(key, nameAt, key.length - nameAt, java.nio.charset.StandardCharsets.UTF_8),
            it.value());
      }
    }
    return out;
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  @Override
  public List<byte[]> leaseKeys(long lease) {
    List<byte[]> keys = new ArrayList<>();
    byte[] prefix = RevisionKeys.leasePrefix(lease);
    byte[] end = RevisionKeys.leasePrefix(lease + 1);
    try (ReadView view = backend.openView();
        KeyIterator it =
            view.iterator(ColumnFamilies.LEASE, lease == Long.MAX_VALUE ? null : end)) {
      for (it.seek(prefix); it.valid(); it.next()) {
        keys.add(RevisionKeys.leaseKeyUserKey(it.key()));
      }
    }
    return keys;
  }

  @Override
  public void checkpoint(Path dir) {
    backend.checkpoint(dir);
  }

  @Override
  public long sizeBytes() {
    return backend.approximateSize();
  }

  @Override
  public long sizeInUseBytes() {
    return backend.approximateLiveSize();
  }

  /**
   * Completes when the versions a compaction at {@code revision} made unreachable are physically
   * removed (etcd's {@code physical=true}); waits for that compaction to be applied if needed.
   */
  public CompletableFuture<Void> compactionDone(long revision) {
    return compactor.await(revision);
  }

  /** The revision up to which old versions are physically gone. */
  public long finishedCompactRevision() {
    return compactor.finishedRevision();
  }

  @Override
  public void close() {
    closed = true;
    compactor.close();
    writer.lock();
    try {
      backend.close();
    } finally {
      writer.unlock();
    }
  }
}
