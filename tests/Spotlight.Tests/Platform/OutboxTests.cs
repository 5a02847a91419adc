using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Events;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

public sealed record SomethingHappened(Guid Id, string Note) : IDomainEvent;

public sealed class EventRecorder
{
    public ConcurrentQueue<(Guid Id, Guid EventId, string Node)> Deliveries { get; } = new();

    public ConcurrentDictionary<string, int> FailuresLeft { get; } = new();
}

public sealed class RecordingEventHandler(EventRecorder recorder, JobNode node) : IDomainEventHandler<SomethingHappened>
{
    public Task HandleAsync(SomethingHappened domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        if (recorder.FailuresLeft.TryGetValue(domainEvent.Note, out var left) && left > 0)
        {
            recorder.FailuresLeft[domainEvent.Note] = left - 1;
            throw new InvalidOperationException("Simulated handler failure");
        }

        recorder.Deliveries.Enqueue((domainEvent.Id, context.EventId, node.Name));
        return Task.CompletedTask;
    }
}

public class OutboxApp : SpotlightApp
{
    public OutboxApp()
    {
    }

    protected OutboxApp(SpotlightApp primary)
        : base(primary)
    {
    }

    public static EventRecorder Recorder { get; } = new();

    protected virtual string NodeName => "node-1";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Outbox:MaxAttempts"] = "3", ["Outbox:PollIntervalSeconds"] = "0.2" };

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.AddSingleton(Recorder);
        services.AddSingleton(new JobNode(NodeName));
        services.AddEventHandler<SomethingHappened, RecordingEventHandler>();
    }

    /// <summary>Raises the event beside a change (an audit entry), both committed or both rolled back.</summary>
    public Task RaiseAsync(SomethingHappened domainEvent, bool commit = true) => WithDbAsync(async db =>
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        Services.GetRequiredService<AuditLog>().Add(db, "test.happened", "test", domainEvent.Id.ToString());
        Services.GetRequiredService<DomainEvents>().Raise(db, domainEvent);
        await db.SaveChangesAsync();
        if (commit)
        {
            await transaction.CommitAsync();
        }
    });

    public async Task<List<(Guid Id, Guid EventId, string Node)>> DeliveriesOfAsync(Guid id, int atLeast, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var found = Recorder.Deliveries.Where(d => d.Id == id).ToList();
            if (found.Count >= atLeast || DateTime.UtcNow > deadline)
            {
                return found;
            }

            await Task.Delay(50);
        }
    }
}

public sealed class SecondOutboxNode(SpotlightApp primary) : OutboxApp(primary)
{
    protected override string NodeName => "node-2";
}

public sealed class OutboxTests(OutboxApp app) : IClassFixture<OutboxApp>
{
    [Fact]
    public async Task An_event_raised_with_a_committed_change_is_delivered_once()
    {
        var id = Guid.NewGuid();
        await app.RaiseAsync(new SomethingHappened(id, "plain"));
        Assert.Single(await app.DeliveriesOfAsync(id, 1));
        await Task.Delay(600);
        Assert.Single(await app.DeliveriesOfAsync(id, 1, seconds: 0));
        var row = await app.WithDbAsync(db => db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Payload.Contains(id.ToString())));
        Assert.NotNull(row.ProcessedAt);
    }

    [Fact]
    public async Task An_event_raised_with_a_change_that_rolled_back_is_never_delivered()
    {
        var id = Guid.NewGuid();
        await app.RaiseAsync(new SomethingHappened(id, "rolled-back"), commit: false);
        Assert.Empty(await app.DeliveriesOfAsync(id, 1, seconds: 2));
        Assert.False(await app.WithDbAsync(db => db.Set<OutboxMessage>().AnyAsync(m => m.Payload.Contains(id.ToString()))));
    }

    [Fact]
    public async Task A_failing_handler_is_retried_with_backoff_and_then_succeeds()
    {
        var id = Guid.NewGuid();
        var note = "flaky-" + id;
        OutboxApp.Recorder.FailuresLeft[note] = 1;
        await app.RaiseAsync(new SomethingHappened(id, note));
        await WaitAsync(() => app.WithDbAsync(db => db.Set<OutboxMessage>().AnyAsync(m => m.Payload.Contains(note) && m.Attempts == 1 && m.LastError != null)));
        app.Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Single(await app.DeliveriesOfAsync(id, 1));
    }

    [Fact]
    public async Task A_handler_that_keeps_failing_is_dead_lettered_after_the_maximum_attempts()
    {
        var id = Guid.NewGuid();
        var note = "doomed-" + id;
        OutboxApp.Recorder.FailuresLeft[note] = 1000;
        await app.RaiseAsync(new SomethingHappened(id, note));
        OutboxMessage? row = null;
        for (var i = 0; i < 100 && row?.DeadAt is null; i++)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(20));
            await Task.Delay(100);
            row = await app.WithDbAsync(db => db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Payload.Contains(note)));
        }

        Assert.NotNull(row!.DeadAt);
        Assert.Equal(3, row.Attempts);
        Assert.Null(row.ProcessedAt);
        Assert.Empty(await app.DeliveriesOfAsync(id, 1, seconds: 0));
    }

    [PostgresFact]
    public async Task Two_relays_on_one_database_deliver_each_event_exactly_once()
    {
        await using var second = new SecondOutboxNode(app);
        await second.InitializeAsync();
        try
        {
            var ids = Enumerable.Range(0, 80).Select(_ => Guid.NewGuid()).ToList();
            await Task.WhenAll(ids.Select((id, i) => (i % 2 == 0 ? app : second).RaiseAsync(new SomethingHappened(id, "fan"))));
            foreach (var id in ids)
            {
                Assert.NotEmpty(await app.DeliveriesOfAsync(id, 1));
            }

            await Task.Delay(1000);
            var deliveries = OutboxApp.Recorder.Deliveries.Where(d => ids.Contains(d.Id)).ToList();
            Assert.Equal(ids.Count, deliveries.Count);
            Assert.Equal(ids.Count, deliveries.Select(d => d.Id).Distinct().Count());
        }
        finally
        {
            await ((IAsyncLifetime)second).DisposeAsync();
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
