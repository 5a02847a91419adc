using Microsoft.Extensions.Options;
using System.Diagnostics;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Spotlight.Data;
using Spotlight.Platform.Events;
using Spotlight.Platform.Jobs;

namespace Spotlight.Admin.SystemStatus;

public sealed record HealthLine(string Name, string Status, string? Description, double DurationMs);

public sealed record JobFailure(Guid Id, string Type, string State, int Attempts, DateTime RunAt, string? LastError);

public sealed record DeadLetter(Guid Id, string EventType, string Handler, int Attempts, DateTime OccurredAt, DateTime? DeadAt, string? LastError);

public sealed record SystemReport(
    string Version, string? Commit, string Environment, string Node, DateTime StartedAt, TimeSpan Uptime,
    string HealthStatus, IReadOnlyList<HealthLine> Health,
    string DatabaseProvider, string? LatestMigration, int AppliedMigrations, IReadOnlyList<string> PendingMigrations,
    int JobsQueued, int JobsDue, int JobsRunning, int JobsDead, int JobsRetrying, IReadOnlyList<JobFailure> RecentJobFailures,
    int OutboxBacklog, DateTime? OldestUndelivered, int OutboxDead, IReadOnlyList<DeadLetter> RecentDeadLetters);

/// <summary>What the System page shows: health checks, build, uptime, database and migrations, the job queue and the outbox.</summary>
public sealed class SystemReader(SpotlightDb db, HealthCheckService health, IHostEnvironment environment, IOptions<DatabaseOptions> database, TimeProvider time)
{
    public static readonly DateTime ProcessStartedAt = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    public async Task<SystemReport> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var report = await health.CheckHealthAsync(cancellationToken);
        var lines = report.Entries.Select(e => new HealthLine(e.Key, e.Value.Status.ToString(), e.Value.Description, e.Value.Duration.TotalMilliseconds)).ToList();

        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();

        var jobs = db.Set<Job>().AsNoTracking();
        var queued = await jobs.CountAsync(j => j.State == JobState.Queued, cancellationToken);
        var due = await jobs.CountAsync(j => j.State == JobState.Queued && j.RunAt <= now, cancellationToken);
        var running = await jobs.CountAsync(j => j.State == JobState.Running, cancellationToken);
        var dead = await jobs.CountAsync(j => j.State == JobState.Dead, cancellationToken);
        var retrying = await jobs.CountAsync(j => j.State == JobState.Queued && j.Attempts > 0, cancellationToken);
        var failures = await jobs.Where(j => j.State == JobState.Dead || (j.State == JobState.Queued && j.Attempts > 0))
            .OrderByDescending(j => j.Id).Take(10)
            .Select(j => new JobFailure(j.Id, j.Type, j.State.ToString(), j.Attempts, j.RunAt, j.LastError)).ToListAsync(cancellationToken);

        var outbox = db.Set<OutboxMessage>().AsNoTracking();
        var backlog = await outbox.CountAsync(m => m.ProcessedAt == null && m.DeadAt == null, cancellationToken);
        var oldest = await outbox.Where(m => m.ProcessedAt == null && m.DeadAt == null).OrderBy(m => m.OccurredAt).Select(m => (DateTime?)m.OccurredAt).FirstOrDefaultAsync(cancellationToken);
        var deadLetters = await outbox.CountAsync(m => m.DeadAt != null, cancellationToken);
        var recentDead = await outbox.Where(m => m.DeadAt != null).OrderByDescending(m => m.Id).Take(10)
            .Select(m => new DeadLetter(m.Id, m.EventType, m.Handler, m.Attempts, m.OccurredAt, m.DeadAt, m.LastError)).ToListAsync(cancellationToken);

        var (version, commit) = Build();
        var started = ProcessStartedAt;
        return new SystemReport(version, commit, environment.EnvironmentName, JobQueue.NodeName, started, DateTime.UtcNow - started,
            report.Status.ToString(), lines,
            database.Value.IsPostgres ? "PostgreSQL" : "SQLite", applied.LastOrDefault(), applied.Count, pending,
            queued, due, running, dead, retrying, failures, backlog, oldest, deadLetters, recentDead);
    }

    /// <summary>The informational version, split at '+' into the version and the commit the SDK stamps after it.</summary>
    public static (string Version, string? Commit) Build()
    {
        var informational = typeof(SystemReader).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var commit = System.Environment.GetEnvironmentVariable("SPOTLIGHT_COMMIT");
        return plus < 0 ? (informational, commit) : (informational[..plus], commit ?? informational[(plus + 1)..]);
    }
}
