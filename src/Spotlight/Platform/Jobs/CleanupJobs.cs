using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Idempotency;
using Spotlight.Platform.RateLimiting;

namespace Spotlight.Platform.Jobs;

/// <summary>Deletes idempotency keys past their 24 hours, expired rate-limit windows and finished jobs older than a week.</summary>
internal sealed class PlatformCleanupJob(SpotlightDb db, TimeProvider time) : IJobHandler
{
    public const string JobType = "platform-cleanup";

    public string Type => JobType;

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await db.Set<IdempotencyRecord>().Where(r => r.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        await db.Set<RateLimitCounter>().Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var weekAgo = now.AddDays(-7);
        await db.Set<Job>().Where(j => j.State == JobState.Succeeded && j.CompletedAt < weekAgo).ExecuteDeleteAsync(cancellationToken);
    }
}
