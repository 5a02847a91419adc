using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Platform.Jobs;

public enum JobState
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Dead = 3,
}

/// <summary>A unit of background work, durable in the database so it survives restarts and runs once across nodes.</summary>
public sealed class Job
{
    public Guid Id { get; set; }

    public required string Type { get; set; }

    public string? Payload { get; set; }

    /// <summary>At most one job per key (e.g. one renewal per subscription period, one run per recurring slot).</summary>
    public string? DedupeKey { get; set; }

    public JobState State { get; set; }

    public DateTime RunAt { get; set; }

    public int Attempts { get; set; }

    public int MaxAttempts { get; set; } = 8;

    public string? LockedBy { get; set; }

    public DateTime? LockedUntil { get; set; }

    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? CompletedAt { get; set; }
}

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs");
        builder.Property(j => j.Type).HasMaxLength(100);
        builder.Property(j => j.DedupeKey).HasMaxLength(200);
        builder.Property(j => j.LockedBy).HasMaxLength(100);
        builder.Property(j => j.LastError).HasMaxLength(2000);
        builder.HasIndex(j => j.DedupeKey).IsUnique();
        builder.HasIndex(j => new { j.State, j.RunAt });
    }
}

/// <summary>Runs one type of job. Handlers must be idempotent: a job whose node died mid-run is run again.</summary>
public interface IJobHandler
{
    string Type { get; }

    Task RunAsync(JobRun run, CancellationToken cancellationToken);
}

public sealed record JobRun(Guid Id, string Type, string? Payload, int Attempt);

/// <summary>A job the runner enqueues by itself every <see cref="Interval"/>, once per interval across all nodes.</summary>
public sealed record RecurringJob(string Type, TimeSpan Interval);

public sealed class JobOptions
{
    public const string Section = "Jobs";

    public bool Enabled { get; set; } = true;

    public double PollIntervalSeconds { get; set; } = 1;

    /// <summary>How long a node holds a claimed job before another may take it over.</summary>
    public double LeaseSeconds { get; set; } = 300;
}
