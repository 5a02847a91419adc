using System.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Background;
using Spotlight.Platform.Observability;

namespace Spotlight.Platform.Jobs;

/// <summary>
/// Polls for due jobs and runs them; failures retry with exponential backoff (2^attempt seconds, capped at an hour)
/// until <see cref="Job.MaxAttempts"/>, then the job is dead and kept for an operator to look at.
/// </summary>
internal sealed class JobRunner(
    IServiceScopeFactory scopes,
    JobQueue queue,
    IEnumerable<IJobHandler> handlers,
    IEnumerable<RecurringJob> recurring,
    IOptions<JobOptions> options,
    TimeProvider time,
    PlatformMetrics metrics,
    ILogger<JobRunner> logger) : BackgroundService
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Type, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var recurringDue = true;
        await PollingLoop.RunAsync(async cancellationToken =>
        {
            // Recurring slots are checked once per poll, before the queue is drained.
            if (recurringDue)
            {
                await ScheduleRecurringAsync(cancellationToken);
            }

            recurringDue = !await RunNextAsync(cancellationToken);
            return !recurringDue;
        }, queue.Signal, TimeSpan.FromSeconds(options.Value.PollIntervalSeconds), logger, stoppingToken);
    }

    private async Task ScheduleRecurringAsync(CancellationToken cancellationToken)
    {
        if (!recurring.Any())
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var now = time.GetUtcNow();
        foreach (var job in recurring)
        {
            var slot = now.ToUnixTimeSeconds() / (long)job.Interval.TotalSeconds;
            await queue.EnqueueOnceAsync(db, job.Type, $"recurring:{job.Type}:{slot}", now.UtcDateTime, cancellationToken);
        }
    }

    /// <summary>Claims and runs one job; false when none is due.</summary>
    internal async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var run = await queue.ClaimAsync(db, TimeSpan.FromSeconds(options.Value.LeaseSeconds), cancellationToken);
        if (run is null)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        using var span = SpotlightTracing.Source.StartActivity("job " + run.Type);
        span?.SetTag("spotlight.job.id", run.Id);
        span?.SetTag("spotlight.job.attempt", run.Attempt);
        try
        {
            if (!_handlers.TryGetValue(run.Type, out var handler))
            {
                throw new InvalidOperationException($"No handler for job type '{run.Type}'.");
            }

            await handler.RunAsync(run, cancellationToken);
            await db.Set<Job>().Where(j => j.Id == run.Id).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, JobState.Succeeded)
                .SetProperty(j => j.CompletedAt, time.GetUtcNow().UtcDateTime)
                .SetProperty(j => j.LockedUntil, (DateTime?)null), CancellationToken.None);
            metrics.JobsCompleted.Add(1, new("type", run.Type), new("outcome", "succeeded"));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var job = await db.Set<Job>().AsNoTracking().SingleAsync(j => j.Id == run.Id, CancellationToken.None);
            var dead = run.Attempt >= job.MaxAttempts;
            var delay = TimeSpan.FromSeconds(Math.Min(3600, Math.Pow(2, run.Attempt)));
            var error = exception.GetType().Name + ": " + exception.Message;
            await db.Set<Job>().Where(j => j.Id == run.Id).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, dead ? JobState.Dead : JobState.Queued)
                .SetProperty(j => j.RunAt, now + delay)
                .SetProperty(j => j.LockedUntil, (DateTime?)null)
                .SetProperty(j => j.LastError, error.Length > 2000 ? error[..2000] : error), CancellationToken.None);
            metrics.JobsCompleted.Add(1, new("type", run.Type), new("outcome", dead ? "dead" : "retry"));
            span?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            logger.LogWarning(exception, "Job {JobId} ({Type}) failed on attempt {Attempt}{Dead}", run.Id, run.Type, run.Attempt, dead ? "; giving up" : "");
        }

        return true;
    }
}
