using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform;
using Spotlight.Platform.Jobs;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

/// <summary>Records every run of <c>test.record</c> jobs: which node ran which job, and fails a job while its payload says so.</summary>
public sealed class JobRecorder
{
    public ConcurrentQueue<(Guid JobId, string Node, int Attempt)> Runs { get; } = new();

    public ConcurrentDictionary<string, int> FailuresLeft { get; } = new();
}

public sealed class RecordingJob(JobRecorder recorder, JobNode node) : IJobHandler
{
    public string Type => "test.record";

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        await Task.Delay(5, cancellationToken);
        if (run.Payload is { } payload && recorder.FailuresLeft.TryGetValue(payload, out var left) && left > 0)
        {
            recorder.FailuresLeft[payload] = left - 1;
            throw new InvalidOperationException("Simulated failure of " + payload);
        }

        recorder.Runs.Enqueue((run.Id, node.Name, run.Attempt));
    }
}

public sealed record JobNode(string Name);

public class JobsApp : SpotlightApp
{
    public JobsApp()
    {
    }

    protected JobsApp(SpotlightApp primary)
        : base(primary)
    {
    }

    public static JobRecorder Recorder { get; } = new();

    protected virtual string NodeName => "node-1";

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.AddSingleton(Recorder);
        services.AddSingleton(new JobNode(NodeName));
        services.AddJob<RecordingJob>();
    }

    public async Task<Guid> EnqueueAsync(string? payload = null, DateTime? runAt = null, int? maxAttempts = null) =>
        await WithDbAsync(async db =>
        {
            var queue = Services.GetRequiredService<JobQueue>();
            var job = queue.Enqueue(db, "test.record", payload, runAt);
            if (maxAttempts is { } max)
            {
                job.MaxAttempts = max;
            }

            await db.SaveChangesAsync();
            queue.Wake();
            return job.Id;
        });

    public Task<Job> JobAsync(Guid id) => WithDbAsync(db => db.Set<Job>().AsNoTracking().SingleAsync(j => j.Id == id));

    public async Task<Job> WaitForAsync(Guid id, Func<Job, bool> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var job = await JobAsync(id);
            if (condition(job))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Job {id} is {job.State} after {job.Attempts} attempt(s): {job.LastError}");
            await Task.Delay(50);
        }
    }
}

public sealed class SecondJobsNode(SpotlightApp primary) : JobsApp(primary)
{
    protected override string NodeName => "node-2";
}

public sealed class JobsTests(JobsApp app) : IClassFixture<JobsApp>
{
    [Fact]
    public async Task A_queued_job_runs_once_and_is_marked_succeeded()
    {
        var id = await app.EnqueueAsync();
        var job = await app.WaitForAsync(id, j => j.State == JobState.Succeeded);
        Assert.Equal(1, job.Attempts);
        Assert.Single(JobsApp.Recorder.Runs, r => r.JobId == id);
    }

    [Fact]
    public async Task A_failing_job_is_retried_with_exponential_backoff_until_it_succeeds()
    {
        var payload = "flaky-" + Guid.NewGuid();
        JobsApp.Recorder.FailuresLeft[payload] = 2;
        var id = await app.EnqueueAsync(payload);

        var failedOnce = await app.WaitForAsync(id, j => j.Attempts == 1 && j.State == JobState.Queued);
        Assert.Contains("Simulated failure", failedOnce.LastError, StringComparison.Ordinal);
        Assert.InRange((failedOnce.RunAt - app.Clock.GetUtcNow().UtcDateTime).TotalSeconds, 0, 2.5); // 2^1 seconds
        app.Clock.Advance(TimeSpan.FromSeconds(3));
        app.Services.GetRequiredService<JobQueue>().Wake();

        var failedTwice = await app.WaitForAsync(id, j => j.Attempts == 2 && j.State == JobState.Queued);
        Assert.True(failedTwice.RunAt - failedOnce.RunAt >= TimeSpan.FromSeconds(3), "the second wait should be longer than the first");
        app.Clock.Advance(TimeSpan.FromSeconds(5));
        app.Services.GetRequiredService<JobQueue>().Wake();

        var done = await app.WaitForAsync(id, j => j.State == JobState.Succeeded);
        Assert.Equal(3, done.Attempts);
    }

    [Fact]
    public async Task A_job_that_keeps_failing_is_dead_after_its_attempts_and_kept_for_an_operator()
    {
        var payload = "doomed-" + Guid.NewGuid();
        JobsApp.Recorder.FailuresLeft[payload] = 100;
        var id = await app.EnqueueAsync(payload, maxAttempts: 2);
        await app.WaitForAsync(id, j => j.Attempts == 1);
        app.Clock.Advance(TimeSpan.FromSeconds(3));
        app.Services.GetRequiredService<JobQueue>().Wake();
        var dead = await app.WaitForAsync(id, j => j.State == JobState.Dead);
        Assert.Equal(2, dead.Attempts);
        Assert.NotNull(dead.LastError);
    }

    [Fact]
    public async Task A_job_survives_a_restart_and_runs_on_the_next_node_that_starts()
    {
        Guid id;
        await using (var first = new SecondJobsNode(app))
        {
            await first.InitializeAsync();
            id = await first.EnqueueAsync(runAt: app.Clock.GetUtcNow().UtcDateTime.AddHours(1));
        }

        app.Clock.Advance(TimeSpan.FromHours(1).Add(TimeSpan.FromSeconds(1)));
        app.Services.GetRequiredService<JobQueue>().Wake();
        var job = await app.WaitForAsync(id, j => j.State == JobState.Succeeded);
        Assert.Equal(JobState.Succeeded, job.State);
    }

    [PostgresFact]
    public async Task Two_nodes_polling_one_database_run_each_job_exactly_once()
    {
        await using var second = new SecondJobsNode(app);
        await second.InitializeAsync();
        try
        {
            var ids = new List<Guid>();
            for (var i = 0; i < 60; i++)
            {
                ids.Add(await (i % 2 == 0 ? app : second).EnqueueAsync());
            }

            foreach (var id in ids)
            {
                await app.WaitForAsync(id, j => j.State == JobState.Succeeded);
            }

            var runs = JobsApp.Recorder.Runs.Where(r => ids.Contains(r.JobId)).ToList();
            Assert.Equal(ids.Count, runs.Count);
            Assert.Equal(ids.Count, runs.Select(r => r.JobId).Distinct().Count());
        }
        finally
        {
            await ((IAsyncLifetime)second).DisposeAsync();
        }
    }
}
