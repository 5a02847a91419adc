using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Notifications.Delivery;
using Spotlight.Platform.Jobs;
using Spotlight.Realtime;
using Spotlight.Realtime.Fanout;

namespace Spotlight.Notifications;

/// <summary>Shows a new notification to its user's connections on this node (the hub's <c>notification</c> event).</summary>
internal sealed class NotificationSignalDelivery(
    IServiceScopeFactory scopes,
    IRealtimeLocalSender sender,
    SignalBodies bodies) : ISignalDelivery
{
    /// <summary>The signal's kind: a notification was stored (its id and user; the body is read here or taken from <see cref="SignalBodies"/>).</summary>
    public const string Kind = "notification";

    /// <summary>The hub event: a <see cref="NotificationResponse"/>.</summary>
    public const string Event = "notification";

    public IReadOnlyCollection<string> Kinds { get; } = [Kind];

    public void Reset()
    {
    }

    public async Task DeliverAsync(IReadOnlyList<RealtimeSignal> signals, CancellationToken cancellationToken)
    {
        var here = signals.Where(s => s.UserId is { } user && s.SubjectId is not null && sender.IsConnected(user)).ToList();
        var missing = here.Where(s => !bodies.Has(s.Id)).Select(s => s.SubjectId!.Value).ToList();
        var read = new Dictionary<Guid, NotificationResponse>();
        if (missing.Count > 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
            var rows = await db.Set<Notification>().AsNoTracking().Where(n => missing.Contains(n.Id)).ToListAsync(cancellationToken);
            read = (await NotificationReader.ToResponsesAsync(scope.ServiceProvider.GetRequiredService<IUserDirectory>(), rows, cancellationToken)).ToDictionary(n => n.Id);
        }

        foreach (var signal in signals)
        {
            var body = bodies.Take<NotificationResponse>(signal.Id) ?? read.GetValueOrDefault(signal.SubjectId ?? Guid.Empty);
            if (body is not null && signal.UserId is { } userId)
            {
                sender.Send([userId], Event, body);
            }
        }
    }
}

/// <summary>Deletes read notifications past <see cref="NotificationOptions.RetentionDays"/> (their deliveries go with them).</summary>
internal sealed class NotificationCleanupJob(SpotlightDb db, NotificationOptions options, TimeProvider time) : IJobHandler
{
    public string Type => "notification-cleanup";

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-options.RetentionDays);
        await db.Set<Notification>().Where(n => n.ReadAt != null && n.ReadAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        await db.Set<NotificationDelivery>().Where(d => (d.SentAt != null && d.SentAt < cutoff) || (d.DeadAt != null && d.DeadAt < cutoff)).ExecuteDeleteAsync(cancellationToken);
    }
}
