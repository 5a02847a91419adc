using System.Diagnostics;
using Microsoft.Extensions.Options;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Spotlight.Data;
using Spotlight.Platform.Background;
using Spotlight.Platform.Observability;

namespace Spotlight.Platform.Events;

/// <summary>
/// Delivers outbox rows to their handlers: claims a batch (on PostgreSQL with <c>FOR UPDATE SKIP LOCKED</c>, so several
/// nodes share the work without delivering a row twice at once), runs each handler, marks the row processed, or on failure
/// schedules a retry with exponential backoff until it is dead-lettered. Wakes at once when a commit wrote outbox rows
/// on this node; otherwise polls.
/// </summary>
internal sealed class OutboxRelay(
    IServiceScopeFactory scopes,
    EventHandlerRegistry registry,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    IOptions<DatabaseOptions> database,
    TimeProvider time,
    PlatformMetrics metrics,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await PollingLoop.RunAsync(async cancellationToken => await DeliverBatchAsync(cancellationToken) > 0,
            signal.Signal, TimeSpan.FromSeconds(options.Value.PollIntervalSeconds), logger, stoppingToken);
    }

    /// <summary>Delivers one batch; returns how many rows it claimed.</summary>
    internal async Task<int> DeliverBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var claimed = await ClaimAsync(db, cancellationToken);
        foreach (var row in claimed)
        {
            await DeliverAsync(db, row, cancellationToken);
        }

        return claimed.Count;
    }

    private async Task DeliverAsync(SpotlightDb db, Claimed row, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var registration = registry.Find(row.Handler);
        using var span = SpotlightTracing.Source.StartActivity("outbox " + row.EventType);
        span?.SetTag("spotlight.outbox.handler", row.Handler);
        span?.SetTag("spotlight.outbox.event_id", row.EventId);
        span?.SetTag("spotlight.outbox.attempt", row.Attempts);
        try
        {
            if (registration is null)
            {
                throw new InvalidOperationException($"No handler named '{row.Handler}' is registered.");
            }

            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService(registration.HandlerType);
            var domainEvent = DomainEvents.Deserialize(row.Payload, registration.EventType);
            await registration.Invoke(handler, domainEvent, new EventContext(row.EventId, row.OccurredAt, row.Attempts), cancellationToken);
            await db.Set<OutboxMessage>().Where(m => m.Id == row.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.ProcessedAt, time.GetUtcNow().UtcDateTime)
                .SetProperty(m => m.LockedUntil, (DateTime?)null), CancellationToken.None);
            metrics.EventsDelivered.Add(1, new("event", row.EventType), new("outcome", "delivered"));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var dead = row.Attempts >= options.Value.MaxAttempts;
            var delay = TimeSpan.FromSeconds(Math.Min(3600, Math.Pow(2, row.Attempts)));
            var error = exception.GetType().Name + ": " + exception.Message;
            await db.Set<OutboxMessage>().Where(m => m.Id == row.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.NextAttemptAt, now + delay)
                .SetProperty(m => m.LockedUntil, (DateTime?)null)
                .SetProperty(m => m.DeadAt, dead ? now : null)
                .SetProperty(m => m.LastError, error.Length > 2000 ? error[..2000] : error), CancellationToken.None);
            metrics.EventsDelivered.Add(1, new("event", row.EventType), new("outcome", dead ? "dead" : "retry"));
            span?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            logger.LogWarning(exception, "Delivering {EventType} to {Handler} failed on attempt {Attempt}{Dead}", row.EventType, row.Handler, row.Attempts, dead ? "; dead-lettered" : "");
        }
    }

    private async Task<List<Claimed>> ClaimAsync(SpotlightDb db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var skipLocked = database.Value.IsPostgres ? "FOR UPDATE SKIP LOCKED" : "";
        // The locking read is a CTE so it runs exactly once (an IN (...LIMIT...) subquery may be re-scanned and claim more).
        var sql = $"""
            WITH next AS (
                SELECT "Id" FROM outbox_messages
                WHERE "ProcessedAt" IS NULL AND "DeadAt" IS NULL AND "NextAttemptAt" <= @now AND ("LockedUntil" IS NULL OR "LockedUntil" < @now)
                ORDER BY "Id" LIMIT @batch {skipLocked})
            UPDATE outbox_messages SET "LockedUntil" = @until, "Attempts" = outbox_messages."Attempts" + 1
            FROM next WHERE outbox_messages."Id" = next."Id"
            RETURNING outbox_messages."Id", "EventId", "EventType", "Handler", "Payload", "OccurredAt", outbox_messages."Attempts"
            """;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.AddParameter("@until", now.AddSeconds(options.Value.LeaseSeconds));
            command.AddParameter("@now", now);
            command.AddParameter("@batch", options.Value.BatchSize);
            var rows = new List<Claimed>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new Claimed(reader.GetFieldValue<Guid>(0), reader.GetFieldValue<Guid>(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc), reader.GetInt32(6)));
            }

            rows.Sort((a, b) => a.Id.CompareTo(b.Id));
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }


    private sealed record Claimed(Guid Id, Guid EventId, string EventType, string Handler, string Payload, DateTime OccurredAt, int Attempts);
}

/// <summary>Wakes this node's relay when a save or commit wrote outbox rows.</summary>
public sealed class OutboxSignal : IDisposable
{
    internal WakeSignal Signal { get; } = new();

    public void Wake() => Signal.Wake();

    public void Dispose() => Signal.Dispose();
}

/// <summary>Notices outbox rows in a save and wakes the relay once they are committed (not before: it would find nothing).</summary>
internal sealed class OutboxSaveInterceptor(OutboxSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly object Pending = new();

    // Keyed by the transaction the rows were saved in, or by the context when the save committed by itself.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Notice(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Notice(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            WakeIfPending(context);
        }

        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SavedChanges(eventData, result));

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => WakeIfPending(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        WakeIfPending(transaction);
        return Task.CompletedTask;
    }

    private void Notice(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added))
        {
            _pending.AddOrUpdate((object?)context.Database.CurrentTransaction?.GetDbTransaction() ?? context, Pending);
        }
    }

    private void WakeIfPending(object key)
    {
        if (_pending.Remove(key))
        {
            signal.Wake();
        }
    }
}
