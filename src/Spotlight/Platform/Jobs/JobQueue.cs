using Microsoft.Extensions.Options;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Background;

namespace Spotlight.Platform.Jobs;

/// <summary>Enqueues and claims jobs with plain SQL that works on SQLite and PostgreSQL.</summary>
public sealed class JobQueue(TimeProvider time, IOptions<DatabaseOptions> database) : IDisposable
{
    public static readonly string NodeName = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
    internal WakeSignal Signal { get; } = new();

    /// <summary>Tells this node's runner that a job was committed, so it need not wait for the next poll.</summary>
    public void Wake() => Signal.Wake();

    public void Dispose() => Signal.Dispose();

    /// <summary>Adds a job in the caller's unit of work, so it commits with the change that caused it.</summary>
    public Job Enqueue(SpotlightDb db, string type, string? payload = null, DateTime? runAt = null, string? dedupeKey = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var job = new Job { Id = Guid.CreateVersion7(), Type = type, Payload = payload, DedupeKey = dedupeKey, RunAt = runAt ?? now, CreatedAt = now };
        db.Add(job);
        return job;
    }

    /// <summary>Enqueues unless a job with the key exists; true when this call added it.</summary>
    public async Task<bool> EnqueueOnceAsync(SpotlightDb db, string type, string dedupeKey, DateTime runAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var rows = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO jobs ("Id", "Type", "DedupeKey", "State", "RunAt", "Attempts", "MaxAttempts", "CreatedAt")
            VALUES ({Guid.CreateVersion7()}, {type}, {dedupeKey}, 0, {runAt}, 0, 8, {now})
            ON CONFLICT ("DedupeKey") DO NOTHING
            """, cancellationToken);
        return rows == 1;
    }

    /// <summary>
    /// Claims the next due job (or one whose lease ran out). On PostgreSQL <c>FOR UPDATE SKIP LOCKED</c> lets nodes
    /// claim different jobs without waiting on each other; SQLite has one writer, so the update is atomic as it is.
    /// </summary>
    public async Task<JobRun?> ClaimAsync(SpotlightDb db, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var skipLocked = database.Value.IsPostgres ? "FOR UPDATE SKIP LOCKED" : "";
        // The locking read is a CTE so it runs exactly once (an IN/= subquery with LIMIT may be re-scanned).
        var sql = $"""
            WITH next AS (
                SELECT "Id" FROM jobs
                WHERE ("State" = 0 AND "RunAt" <= @now) OR ("State" = 1 AND "LockedUntil" < @now)
                ORDER BY "RunAt" LIMIT 1 {skipLocked})
            UPDATE jobs SET "State" = 1, "LockedBy" = @node, "LockedUntil" = @until, "Attempts" = jobs."Attempts" + 1
            FROM next WHERE jobs."Id" = next."Id"
            RETURNING jobs."Id", "Type", "Payload", jobs."Attempts"
            """;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.AddParameter("@node", NodeName);
            command.AddParameter("@until", now + lease);
            command.AddParameter("@now", now);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var id = reader.GetFieldValue<Guid>(0);
            return new JobRun(id, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

}
