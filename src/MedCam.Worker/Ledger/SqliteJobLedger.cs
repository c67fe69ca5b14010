using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace MedCam.Worker.Ledger;

/// <summary>
/// <see cref="IJobLedger"/> in an embedded SQLite file (WAL journal, synchronous=FULL: a committed change survives
/// power loss). One connection serialised by a lock: every operation is a few small statements.
/// </summary>
public sealed class SqliteJobLedger : IJobLedger
{
    private const string Columns = "key, study_uid, study_folder, calling_ae, state, attempts, seq, processed_seq, run, due, first_received, last_received, output_folder, reason, instances";
    private readonly SqliteConnection connection;
    private readonly Lock gate = new();
    private SqliteTransaction? current;

    static SqliteJobLedger() => SQLitePCL.Batteries_V2.Init();

    public SqliteJobLedger(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;");
    }

    /// <summary>The log-safe key of a study: the first 16 hex digits of SHA-256 of its UID.</summary>
    public static string KeyOf(string studyInstanceUid) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(studyInstanceUid)))[..16];

    public void Open(DateTimeOffset now)
    {
        lock (gate)
        {
            Execute("""
                CREATE TABLE IF NOT EXISTS studies (
                    key TEXT PRIMARY KEY, study_uid TEXT NOT NULL, study_folder TEXT NOT NULL, calling_ae TEXT NOT NULL,
                    state INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0,
                    processed_seq INTEGER NOT NULL DEFAULT 0, run INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL,
                    first_received INTEGER NOT NULL, last_received INTEGER NOT NULL, output_folder TEXT, reason TEXT,
                    instances INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS studies_state_due ON studies(state, due);
                CREATE TABLE IF NOT EXISTS instances (
                    sop_uid TEXT PRIMARY KEY, key TEXT NOT NULL, received INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS deliveries (
                    key TEXT NOT NULL, run INTEGER NOT NULL, target TEXT NOT NULL, delivered INTEGER NOT NULL,
                    PRIMARY KEY (key, run, target));
                """);
            // A run interrupted by a crash is started again; an interrupted export resumes (delivered targets are skipped).
            Execute("UPDATE studies SET state = $queued, due = $now, updated = $now WHERE state = $running",
                ("$queued", (int)StudyState.Queued), ("$running", (int)StudyState.Running), ("$now", now.UtcTicks));
        }
    }

    public StudyRecord RecordInstance(string studyInstanceUid, string studyFolder, string sopInstanceUid, string callingAeTitle, DateTimeOffset now, TimeSpan quietTime)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyInstanceUid);
        var key = KeyOf(studyInstanceUid);
        var due = (now + quietTime).UtcTicks;
        lock (gate)
        {
            using var transaction = Begin();
            bool isNew;
            using (var exists = Command("SELECT COUNT(*) FROM instances WHERE sop_uid = $sop", ("$sop", sopInstanceUid)))
            {
                isNew = Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) == 0;
            }

            Execute(
                "INSERT INTO instances (sop_uid, key, received) VALUES ($sop, $key, $now) ON CONFLICT(sop_uid) DO UPDATE SET received = $now",
                ("$sop", sopInstanceUid), ("$key", key), ("$now", now.UtcTicks));
            // New study, or more data for a known one: the quiet time starts again. A queued study waits again; a done
            // or failed one is reopened (its next run replaces the earlier outputs); a running or exporting one keeps
            // going and is sent back to received when it completes (its sequence moved on).
            Execute($"""
                INSERT INTO studies ({Columns}, updated)
                VALUES ($key, $uid, $folder, $ae, $received, 0, 1, 0, 0, $due, $now, $now, NULL, NULL, 1, $now)
                ON CONFLICT(key) DO UPDATE SET
                    seq = seq + 1, due = $due, last_received = $now, calling_ae = $ae, updated = $now,
                    instances = instances + $newInstance,
                    attempts = CASE WHEN state IN ($done, $failed) THEN 0 ELSE attempts END,
                    reason = CASE WHEN state IN ($done, $failed) THEN NULL ELSE reason END,
                    state = CASE WHEN state IN ($done, $failed, $queued) THEN $received ELSE state END
                """,
                ("$key", key), ("$uid", studyInstanceUid), ("$folder", studyFolder), ("$ae", callingAeTitle),
                ("$received", (int)StudyState.Received), ("$queued", (int)StudyState.Queued), ("$done", (int)StudyState.Done),
                ("$failed", (int)StudyState.Failed), ("$due", due), ("$now", now.UtcTicks), ("$newInstance", isNew ? 1 : 0));
            transaction.Commit();
            current = null;
            return GetLocked(key)!;
        }
    }

    public IReadOnlyList<StudyRecord> QueueQuietStudies(DateTimeOffset now)
    {
        lock (gate)
        {
            using var transaction = Begin();
            var due = Query($"SELECT {Columns} FROM studies WHERE state = $received AND due <= $now ORDER BY due",
                ("$received", (int)StudyState.Received), ("$now", now.UtcTicks));
            foreach (var study in due)
            {
                Execute("UPDATE studies SET state = $queued, attempts = 0, updated = $now WHERE key = $key",
                    ("$queued", (int)StudyState.Queued), ("$now", now.UtcTicks), ("$key", study.Key));
            }

            transaction.Commit();
            current = null;
            return due.Select(s => s with { State = StudyState.Queued, Attempts = 0 }).ToList();
        }
    }

    public StudyRecord? ClaimNext(DateTimeOffset now, IReadOnlySet<string> inFlight)
    {
        ArgumentNullException.ThrowIfNull(inFlight);
        lock (gate)
        {
            var candidates = Query($"SELECT {Columns} FROM studies WHERE state IN ($queued, $exporting) AND due <= $now ORDER BY due LIMIT 64",
                ("$queued", (int)StudyState.Queued), ("$exporting", (int)StudyState.Exporting), ("$now", now.UtcTicks));
            var next = candidates.FirstOrDefault(c => !inFlight.Contains(c.Key));
            if (next is null)
            {
                return null;
            }

            if (next.State == StudyState.Queued)
            {
                Execute("UPDATE studies SET state = $running, attempts = attempts + 1, run = run + 1, processed_seq = seq, updated = $now WHERE key = $key",
                    ("$running", (int)StudyState.Running), ("$now", now.UtcTicks), ("$key", next.Key));
            }
            else
            {
                Execute("UPDATE studies SET attempts = attempts + 1, updated = $now WHERE key = $key", ("$now", now.UtcTicks), ("$key", next.Key));
            }

            return GetLocked(next.Key);
        }
    }

    public void MarkExporting(string key, string outputFolder)
    {
        lock (gate)
        {
            Execute("UPDATE studies SET state = $exporting, attempts = 0, output_folder = $out, reason = NULL, updated = $now WHERE key = $key",
                ("$exporting", (int)StudyState.Exporting), ("$out", outputFolder), ("$now", DateTimeOffset.UtcNow.UtcTicks), ("$key", key));
        }
    }

    public bool IsDelivered(string key, int run, string target)
    {
        lock (gate)
        {
            using var command = Command("SELECT COUNT(*) FROM deliveries WHERE key = $key AND run = $run AND target = $target",
                ("$key", key), ("$run", run), ("$target", target));
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
        }
    }

    public void MarkDelivered(string key, int run, string target, DateTimeOffset now)
    {
        lock (gate)
        {
            Execute("INSERT OR IGNORE INTO deliveries (key, run, target, delivered) VALUES ($key, $run, $target, $now)",
                ("$key", key), ("$run", run), ("$target", target), ("$now", now.UtcTicks));
        }
    }

    public StudyRecord Complete(string key, DateTimeOffset now, string? note = null)
    {
        lock (gate)
        {
            Execute("""
                UPDATE studies SET
                    state = CASE WHEN seq = processed_seq THEN $done ELSE $received END,
                    attempts = 0, reason = $note, updated = $now
                WHERE key = $key
                """,
                ("$done", (int)StudyState.Done), ("$received", (int)StudyState.Received), ("$note", note), ("$now", now.UtcTicks), ("$key", key));
            return GetLocked(key) ?? throw new InvalidOperationException($"Study {key} is not in the ledger.");
        }
    }

    public StudyRecord Fail(string key, string reason, DateTimeOffset retryAt, int maxAttempts, DateTimeOffset now)
    {
        lock (gate)
        {
            // Retry in the same phase: a failed run is queued again, a failed export stays exporting.
            Execute("""
                UPDATE studies SET
                    state = CASE WHEN attempts >= $max THEN $failed WHEN state = $running THEN $queued ELSE state END,
                    due = $retry, reason = $reason, updated = $now
                WHERE key = $key
                """,
                ("$max", maxAttempts), ("$failed", (int)StudyState.Failed), ("$running", (int)StudyState.Running), ("$queued", (int)StudyState.Queued),
                ("$retry", retryAt.UtcTicks), ("$reason", reason), ("$now", now.UtcTicks), ("$key", key));
            return GetLocked(key) ?? throw new InvalidOperationException($"Study {key} is not in the ledger.");
        }
    }

    public void Release(string key, DateTimeOffset now)
    {
        lock (gate)
        {
            Execute("""
                UPDATE studies SET
                    state = CASE WHEN state = $running THEN $queued ELSE state END,
                    attempts = MAX(attempts - 1, 0), due = $now, updated = $now
                WHERE key = $key
                """,
                ("$running", (int)StudyState.Running), ("$queued", (int)StudyState.Queued), ("$now", now.UtcTicks), ("$key", key));
        }
    }

    public StudyRecord? Get(string key)
    {
        lock (gate)
        {
            return GetLocked(key);
        }
    }

    public IReadOnlyList<StudyRecord> List()
    {
        lock (gate)
        {
            return Query($"SELECT {Columns} FROM studies ORDER BY first_received");
        }
    }

    public LedgerCounts Counts()
    {
        lock (gate)
        {
            using var command = Command("SELECT state, COUNT(*) FROM studies GROUP BY state");
            using var reader = command.ExecuteReader();
            var counts = new Dictionary<StudyState, int>();
            while (reader.Read())
            {
                counts[(StudyState)reader.GetInt32(0)] = reader.GetInt32(1);
            }

            return new LedgerCounts(counts);
        }
    }

    public void Dispose() => connection.Dispose();

    private SqliteTransaction Begin()
    {
        current = connection.BeginTransaction();
        return current;
    }

    private StudyRecord? GetLocked(string key) =>
        Query($"SELECT {Columns} FROM studies WHERE key = $key", ("$key", key)).FirstOrDefault();

    private List<StudyRecord> Query(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<StudyRecord>();
        while (reader.Read())
        {
            rows.Add(StudyRecordReader.Read(reader));
        }

        return rows;
    }

    private int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = current is { Connection: not null } ? current : null;
#pragma warning disable CA2100 // SQL text is constant; values go through parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
