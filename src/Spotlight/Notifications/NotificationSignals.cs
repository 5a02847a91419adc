using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Notifications.Delivery;
using Spotlight.Platform.Jobs;
using Spotlight.Realtime;
using Spotlight.Realtime.Connections;
using Spotlight.Realtime.Fanout;
using Spotlight.Realtime.Hub;

namespace Spotlight.Notifications;

/// <summary>Shows a new notification to its user's connections on this node (the hub's <c>notification</c> event).</summary>
internal sealed class NotificationSignalDelivery(
    IServiceScopeFactory scopes,
    IHubContext<RealtimeHub, IRealtimeClient> hub,
    LocalConnections connections,
    SignalBodies bodies,
    RealtimeMetrics metrics) : ISignalDelivery
{
    public IReadOnlyCollection<string> Kinds { get; } = [SignalKinds.Notification];

    public void Reset()
    {
    }

    public async Task DeliverAsync(IReadOnlyList<RealtimeSignal> signals, CancellationToken cancellationToken)
    {
        var here = signals.Where(s => s.UserId is { } user && s.SubjectId is not null && connections.Has(user)).ToList();
        var missing = here.Where(s => !bodies.Has(s.Id)).Select(s => s.SubjectId!.Value).ToList();
        var read = new Dictionary<Guid, NotificationResponse>();
        if (missing.Count > 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
            var rows = await db.Set<Notification>().AsNoTracking().Where(n => missing.Contains(n.Id)).ToListAsync(cancellationToken);
            read = (await NotificationReader.ToResponsesAsync(db, rows, cancellationToken)).ToDictionary(n => n.Id);
        }

        foreach (var signal in signals)
        {
            var body = bodies.Take<NotificationResponse>(signal.Id) ?? read.GetValueOrDefault(signal.SubjectId ?? Guid.Empty);
            if (body is not null && signal.UserId is { } userId && connections.Has(userId))
            {
                Sends.Forget(hub.Clients.Group(RealtimeHub.UserGroup(userId)).Notification(body), metrics);
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
