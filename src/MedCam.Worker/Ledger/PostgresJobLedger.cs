using System.Data.Common;
using Npgsql;

namespace MedCam.Worker.Ledger;

/// <summary>
/// <see cref="IJobLedger"/> in PostgreSQL, for deployments where several workers share one ledger. Same states and
/// rules as <see cref="SqliteJobLedger"/>; what sharing adds:
/// <list type="bullet">
/// <item>Claiming locks the candidate row with <c>SELECT … FOR UPDATE SKIP LOCKED</c> in the claiming transaction, so
/// two workers never take the same study (the second skips the row the first holds, then sees it running).</item>
/// <item>Every claim carries the claiming worker's id and a lease. Another worker leaves a leased study alone (even
/// one that stays "exporting"); a study whose worker died is taken over once its lease expired. A worker that restarts
/// with the same id (<see cref="WorkerId"/>) resumes its own studies at once.</item>
/// </list>
/// Times are stored as UTC ticks, as in the SQLite ledger. Every method commits before it returns (PostgreSQL's
/// default synchronous commit makes that durable).
/// </summary>
public sealed class PostgresJobLedger : IJobLedger
{
    private const string Columns = "key, study_uid, study_folder, calling_ae, state, attempts, seq, processed_seq, run, due, first_received, last_received, output_folder, reason, instances";

    /// <summary>Serialises schema creation when several workers start at once (pg_advisory_xact_lock key).</summary>
    private const long SchemaLockId = 0x4D6564436D4C6467; // "MedCmLdg"

    private readonly NpgsqlDataSource dataSource;

    /// <param name="connectionString">Npgsql connection string, e.g. "Host=db;Database=medcam;Username=medcam".</param>
    /// <param name="workerId">This worker's stable identity (same after a restart); it owns the studies it claims.</param>
    /// <param name="lease">How long a claim keeps other workers away; after that a silent worker's study is taken over.</param>
    public PostgresJobLedger(string connectionString, string workerId, TimeSpan lease)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "The claim lease must be positive.");
        }

        dataSource = NpgsqlDataSource.Create(connectionString);
        WorkerId = workerId;
        Lease = lease;
    }

    public string WorkerId { get; }

    public TimeSpan Lease { get; }

    public void Open(DateTimeOffset now)
    {
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "SELECT pg_advisory_xact_lock(@id)", ("id", SchemaLockId));
        Execute(connection, transaction, """
            CREATE TABLE IF NOT EXISTS studies (
                key TEXT PRIMARY KEY, study_uid TEXT NOT NULL, study_folder TEXT NOT NULL, calling_ae TEXT NOT NULL,
                state INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, seq BIGINT NOT NULL DEFAULT 0,
                processed_seq BIGINT NOT NULL DEFAULT 0, run INTEGER NOT NULL DEFAULT 0, due BIGINT NOT NULL,
                first_received BIGINT NOT NULL, last_received BIGINT NOT NULL, output_folder TEXT, reason TEXT,
                instances INTEGER NOT NULL DEFAULT 0, updated BIGINT NOT NULL, owner TEXT, lease_until BIGINT);
            CREATE INDEX IF NOT EXISTS studies_state_due ON studies(state, due);
            CREATE TABLE IF NOT EXISTS instances (
                sop_uid TEXT PRIMARY KEY, key TEXT NOT NULL, received BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS deliveries (
                key TEXT NOT NULL, run INTEGER NOT NULL, target TEXT NOT NULL, delivered BIGINT NOT NULL,
                PRIMARY KEY (key, run, target));
            """);
        // Our own run interrupted by a crash starts again; our interrupted export resumes now. Other workers' studies
        // keep their leases (they may be alive); ClaimNext takes them over when the lease runs out.
        Execute(connection, transaction, """
            UPDATE studies SET state = @queued, due = @now, owner = NULL, lease_until = NULL, updated = @now
            WHERE state = @running AND (owner = @me OR owner IS NULL OR lease_until < @now)
            """,
            ("queued", (int)StudyState.Queued), ("running", (int)StudyState.Running), ("now", now.UtcTicks), ("me", WorkerId));
        Execute(connection, transaction, "UPDATE studies SET lease_until = NULL, updated = @now WHERE state = @exporting AND owner = @me",
            ("exporting", (int)StudyState.Exporting), ("now", now.UtcTicks), ("me", WorkerId));
        transaction.Commit();
    }

    public StudyRecord RecordInstance(string studyInstanceUid, string studyFolder, string sopInstanceUid, string callingAeTitle, DateTimeOffset now, TimeSpan quietTime)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyInstanceUid);
        var key = SqliteJobLedger.KeyOf(studyInstanceUid);
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        // xmax = 0 only for a freshly inserted row: tells a new instance from a resent one in one statement.
        bool isNew;
        using (var upsert = Command(connection, transaction,
            "INSERT INTO instances (sop_uid, key, received) VALUES (@sop, @key, @now) ON CONFLICT (sop_uid) DO UPDATE SET received = EXCLUDED.received RETURNING (xmax = 0)",
            ("sop", sopInstanceUid), ("key", key), ("now", now.UtcTicks)))
        {
            isNew = (bool)upsert.ExecuteScalar()!;
        }

        // Same rules as the SQLite ledger: the quiet time starts again; queued waits again; done or failed reopens;
        // running or exporting keeps going and returns to received when it completes (its sequence moved on).
        Execute(connection, transaction, $"""
            INSERT INTO studies ({Columns}, updated)
            VALUES (@key, @uid, @folder, @ae, @received, 0, 1, 0, 0, @due, @now, @now, NULL, NULL, 1, @now)
            ON CONFLICT (key) DO UPDATE SET
                seq = studies.seq + 1, due = @due, last_received = @now, calling_ae = @ae, updated = @now,
                instances = studies.instances + @newInstance,
                attempts = CASE WHEN studies.state IN (@done, @failed) THEN 0 ELSE studies.attempts END,
                reason = CASE WHEN studies.state IN (@done, @failed) THEN NULL ELSE studies.reason END,
                state = CASE WHEN studies.state IN (@done, @failed, @queued) THEN @received ELSE studies.state END
            """,
            ("key", key), ("uid", studyInstanceUid), ("folder", studyFolder), ("ae", callingAeTitle),
            ("received", (int)StudyState.Received), ("queued", (int)StudyState.Queued), ("done", (int)StudyState.Done),
            ("failed", (int)StudyState.Failed), ("due", (now + quietTime).UtcTicks), ("now", now.UtcTicks), ("newInstance", isNew ? 1 : 0));
        var record = Get(connection, transaction, key)!;
        transaction.Commit();
        return record;
    }

    public IReadOnlyList<StudyRecord> QueueQuietStudies(DateTimeOffset now)
    {
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var due = Query(connection, transaction, $"""
            UPDATE studies SET state = @queued, attempts = 0, updated = @now
            WHERE key IN (SELECT key FROM studies WHERE state = @received AND due <= @now FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """,
            ("queued", (int)StudyState.Queued), ("received", (int)StudyState.Received), ("now", now.UtcTicks));
        transaction.Commit();
        return due.OrderBy(s => s.DueAt).ToList();
    }

    public StudyRecord? ClaimNext(DateTimeOffset now, IReadOnlySet<string> inFlight)
    {
        ArgumentNullException.ThrowIfNull(inFlight);
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        // A queued study; an exporting one nobody holds; or a running one whose worker's lease ran out (it died).
        var candidate = Query(connection, transaction, $"""
            SELECT {Columns} FROM studies
            WHERE ((state = @queued AND due <= @now)
                OR (state = @exporting AND due <= @now AND (lease_until IS NULL OR lease_until < @now OR owner = @me))
                OR (state = @running AND lease_until < @now))
              AND NOT (key = ANY(@inFlight))
            ORDER BY due LIMIT 1
            FOR UPDATE SKIP LOCKED
            """,
            ("queued", (int)StudyState.Queued), ("exporting", (int)StudyState.Exporting), ("running", (int)StudyState.Running),
            ("now", now.UtcTicks), ("me", WorkerId), ("inFlight", inFlight.ToArray())).FirstOrDefault();
        if (candidate is null)
        {
            transaction.Commit();
            return null;
        }

        var lease = (now + Lease).UtcTicks;
        if (candidate.State == StudyState.Exporting)
        {
            Execute(connection, transaction, "UPDATE studies SET attempts = attempts + 1, owner = @me, lease_until = @lease, updated = @now WHERE key = @key",
                ("me", WorkerId), ("lease", lease), ("now", now.UtcTicks), ("key", candidate.Key));
        }
        else
        {
            Execute(connection, transaction, """
                UPDATE studies SET state = @running, attempts = attempts + 1, run = run + 1, processed_seq = seq,
                    owner = @me, lease_until = @lease, updated = @now
                WHERE key = @key
                """,
                ("running", (int)StudyState.Running), ("me", WorkerId), ("lease", lease), ("now", now.UtcTicks), ("key", candidate.Key));
        }

        var claimed = Get(connection, transaction, candidate.Key);
        transaction.Commit();
        return claimed;
    }

    public void MarkExporting(string key, string outputFolder) =>
        Execute("UPDATE studies SET state = @exporting, attempts = 0, output_folder = @out, reason = NULL, updated = @now WHERE key = @key",
            ("exporting", (int)StudyState.Exporting), ("out", outputFolder), ("now", DateTimeOffset.UtcNow.UtcTicks), ("key", key));

    public bool IsDelivered(string key, int run, string target)
    {
        using var connection = dataSource.OpenConnection();
        using var command = Command(connection, null, "SELECT COUNT(*) FROM deliveries WHERE key = @key AND run = @run AND target = @target",
            ("key", key), ("run", run), ("target", target));
        return (long)command.ExecuteScalar()! > 0;
    }

    public void MarkDelivered(string key, int run, string target, DateTimeOffset now) =>
        Execute("INSERT INTO deliveries (key, run, target, delivered) VALUES (@key, @run, @target, @now) ON CONFLICT DO NOTHING",
            ("key", key), ("run", run), ("target", target), ("now", now.UtcTicks));

    public StudyRecord Complete(string key, DateTimeOffset now, string? note = null) =>
        UpdateAndGet(key, """
            UPDATE studies SET
                state = CASE WHEN seq = processed_seq THEN @done ELSE @received END,
                attempts = 0, reason = @note, owner = NULL, lease_until = NULL, updated = @now
            WHERE key = @key
            """,
            ("done", (int)StudyState.Done), ("received", (int)StudyState.Received), ("note", note), ("now", now.UtcTicks), ("key", key));

    public StudyRecord Fail(string key, string reason, DateTimeOffset retryAt, int maxAttempts, DateTimeOffset now) =>
        UpdateAndGet(key, """
            UPDATE studies SET
                state = CASE WHEN attempts >= @max THEN @failed WHEN state = @running THEN @queued ELSE state END,
                due = @retry, reason = @reason, owner = NULL, lease_until = NULL, updated = @now
            WHERE key = @key
            """,
            ("max", maxAttempts), ("failed", (int)StudyState.Failed), ("running", (int)StudyState.Running), ("queued", (int)StudyState.Queued),
            ("retry", retryAt.UtcTicks), ("reason", reason), ("now", now.UtcTicks), ("key", key));

    public void Release(string key, DateTimeOffset now) =>
        Execute("""
            UPDATE studies SET
                state = CASE WHEN state = @running THEN @queued ELSE state END,
                attempts = GREATEST(attempts - 1, 0), due = @now, owner = NULL, lease_until = NULL, updated = @now
            WHERE key = @key
            """,
            ("running", (int)StudyState.Running), ("queued", (int)StudyState.Queued), ("now", now.UtcTicks), ("key", key));

    public StudyRecord? Get(string key)
    {
        using var connection = dataSource.OpenConnection();
        return Get(connection, null, key);
    }

    public IReadOnlyList<StudyRecord> List()
    {
        using var connection = dataSource.OpenConnection();
        return Query(connection, null, $"SELECT {Columns} FROM studies ORDER BY first_received, key");
    }

    public LedgerCounts Counts()
    {
        using var connection = dataSource.OpenConnection();
        using var command = Command(connection, null, "SELECT state, COUNT(*) FROM studies GROUP BY state");
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<StudyState, int>();
        while (reader.Read())
        {
            counts[(StudyState)reader.GetInt32(0)] = (int)reader.GetInt64(1);
        }

        return new LedgerCounts(counts);
    }

    public void Dispose() => dataSource.Dispose();

    private static StudyRecord? Get(NpgsqlConnection connection, NpgsqlTransaction? transaction, string key) =>
        Query(connection, transaction, $"SELECT {Columns} FROM studies WHERE key = @key", ("key", key)).FirstOrDefault();

    private StudyRecord UpdateAndGet(string key, string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, sql, parameters);
        var record = Get(connection, transaction, key) ?? throw new InvalidOperationException($"Study {key} is not in the ledger.");
        transaction.Commit();
        return record;
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = dataSource.OpenConnection();
        Execute(connection, null, sql, parameters);
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static List<StudyRecord> Query(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<StudyRecord>();
        while (reader.Read())
        {
            rows.Add(StudyRecordReader.Read(reader));
        }

        return rows;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
#pragma warning disable CA2100 // SQL text is constant; values go through parameters.
        var command = new NpgsqlCommand(sql, connection, transaction);
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}

/// <summary>Reads the ledgers' common column list (key … instances) into a <see cref="StudyRecord"/>.</summary>
internal static class StudyRecordReader
{
    public static StudyRecord Read(DbDataReader reader) => new()
    {
        Key = reader.GetString(0),
        StudyInstanceUid = reader.GetString(1),
        StudyFolder = reader.GetString(2),
        CallingAeTitle = reader.GetString(3),
        State = (StudyState)reader.GetInt32(4),
        Attempts = reader.GetInt32(5),
        Sequence = reader.GetInt64(6),
        ProcessedSequence = reader.GetInt64(7),
        Run = reader.GetInt32(8),
        DueAt = new DateTimeOffset(reader.GetInt64(9), TimeSpan.Zero),
        FirstReceivedAt = new DateTimeOffset(reader.GetInt64(10), TimeSpan.Zero),
        LastReceivedAt = new DateTimeOffset(reader.GetInt64(11), TimeSpan.Zero),
        OutputFolder = reader.IsDBNull(12) ? null : reader.GetString(12),
        Reason = reader.IsDBNull(13) ? null : reader.GetString(13),
        Instances = reader.GetInt32(14),
    };
}
