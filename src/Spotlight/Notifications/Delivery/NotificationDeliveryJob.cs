using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Notifications.Devices;
using Spotlight.Platform.Jobs;

namespace Spotlight.Notifications.Delivery;

/// <summary>
/// Drains the delivery outbox, run by the job runner every <see cref="NotificationOptions.DeliveryIntervalSeconds"/>.
/// Claims due rows with a lease (on PostgreSQL <c>FOR UPDATE SKIP LOCKED</c>, so nodes share the work), hands each to
/// the provider of its channel, and marks it sent; a failure waits 2^attempt seconds (at most an hour) before the next
/// try, and after <see cref="NotificationOptions.MaxAttempts"/> the row is dead-lettered.
/// </summary>
internal sealed class NotificationDeliveryJob(
    SpotlightDb db,
    IUserDirectory users,
    IEnumerable<INotificationProvider> providers,
    NotificationOptions options,
    DatabaseOptions database,
    NotificationMetrics metrics,
    TimeProvider time,
    ILogger<NotificationDeliveryJob> logger) : IJobHandler
{
    private const int BatchSize = 100;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public string Type => "notification-delivery";

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var byChannel = providers.GroupBy(p => p.Channel).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        for (var round = 0; round < 20; round++)
        {
            var claimed = await ClaimAsync(cancellationToken);
            foreach (var delivery in claimed)
            {
                await DeliverAsync(delivery, byChannel, cancellationToken);
            }

            if (claimed.Count < BatchSize)
            {
                return;
            }
        }
    }

    private async Task DeliverAsync(ClaimedDelivery delivery, Dictionary<string, INotificationProvider> byChannel, CancellationToken cancellationToken)
    {
        try
        {
            if (!byChannel.TryGetValue(delivery.Channel, out var provider))
            {
                throw new InvalidOperationException($"No notification provider for channel '{delivery.Channel}'.");
            }

            await provider.SendAsync(await ComposeAsync(delivery, cancellationToken), cancellationToken);
            await db.Set<NotificationDelivery>().Where(d => d.Id == delivery.Id).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.SentAt, time.GetUtcNow().UtcDateTime)
                .SetProperty(d => d.LockedUntil, (DateTime?)null)
                .SetProperty(d => d.LastError, (string?)null), CancellationToken.None);
            metrics.Deliveries.Add(1, new("channel", delivery.Channel), new("outcome", "sent"));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var dead = delivery.Attempts >= options.MaxAttempts;
            var delay = TimeSpan.FromSeconds(Math.Min(3600, Math.Pow(2, delivery.Attempts)));
            var error = exception.GetType().Name + ": " + exception.Message;
            await db.Set<NotificationDelivery>().Where(d => d.Id == delivery.Id).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.NextAttemptAt, now + delay)
                .SetProperty(d => d.LockedUntil, (DateTime?)null)
                .SetProperty(d => d.DeadAt, dead ? now : null)
                .SetProperty(d => d.LastError, error.Length > 2000 ? error[..2000] : error), CancellationToken.None);
            metrics.Deliveries.Add(1, new("channel", delivery.Channel), new("outcome", dead ? "dead" : "retry"));
            logger.LogWarning(exception, "Notification delivery {DedupeKey} failed on attempt {Attempt}{Dead}", delivery.DedupeKey, delivery.Attempts,
                dead ? "; dead-lettered" : $"; next try in {delay}");
        }
    }

    private async Task<OutgoingNotification> ComposeAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        var notification = await db.Set<Notification>().AsNoTracking().SingleAsync(n => n.Id == delivery.NotificationId, cancellationToken);
        var email = await users.EmailAsync(delivery.UserId, cancellationToken);
        var tokens = delivery.Channel == NotificationChannels.Push
            ? await db.Set<PushDevice>().Where(d => d.UserId == delivery.UserId).Select(d => d.Token).ToListAsync(cancellationToken)
            : [];
        var actor = notification.ActorId is { } actorId && (await users.FactsAsync([actorId], cancellationToken)).GetValueOrDefault(actorId) is { } facts
            ? facts.DisplayName ?? "@" + facts.Handle
            : null;
        var (title, body) = NotificationTexts.For(notification.Type, actor);
        return new OutgoingNotification(delivery.Id, delivery.DedupeKey, delivery.Attempts, delivery.UserId, email, tokens, notification.Id, notification.Type,
            title, body, notification.Data is null ? null : JsonDocument.Parse(notification.Data).RootElement.Clone());
    }

    private async Task<List<ClaimedDelivery>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var until = now + Lease;
        var claimed = database.IsPostgres
            ? await db.Database.SqlQuery<ClaimedDelivery>($"""
                UPDATE notification_deliveries SET "LockedUntil" = {until}, "Attempts" = "Attempts" + 1
                WHERE "Id" IN (
                    SELECT "Id" FROM notification_deliveries
                    WHERE "SentAt" IS NULL AND "DeadAt" IS NULL AND "NextAttemptAt" <= {now} AND ("LockedUntil" IS NULL OR "LockedUntil" < {now})
                    ORDER BY "NextAttemptAt" LIMIT {BatchSize} FOR UPDATE SKIP LOCKED)
                RETURNING "Id", "NotificationId", "UserId", "Channel", "DedupeKey", "Attempts"
                """).ToListAsync(cancellationToken)
            : await db.Database.SqlQuery<ClaimedDelivery>($"""
                UPDATE notification_deliveries SET "LockedUntil" = {until}, "Attempts" = "Attempts" + 1
                WHERE "Id" IN (
                    SELECT "Id" FROM notification_deliveries
                    WHERE "SentAt" IS NULL AND "DeadAt" IS NULL AND "NextAttemptAt" <= {now} AND ("LockedUntil" IS NULL OR "LockedUntil" < {now})
                    ORDER BY "NextAttemptAt" LIMIT {BatchSize})
                RETURNING "Id", "NotificationId", "UserId", "Channel", "DedupeKey", "Attempts"
                """).ToListAsync(cancellationToken);
        return claimed;
    }

    internal sealed class ClaimedDelivery
    {
        public Guid Id { get; set; }

        public Guid NotificationId { get; set; }

        public Guid UserId { get; set; }

        public string Channel { get; set; } = "";

        public string DedupeKey { get; set; } = "";

        public int Attempts { get; set; }
    }
}

/// <summary>The words of a push or an email, by kind. Clients render their own from <c>type</c> and <c>data</c>.</summary>
internal static class NotificationTexts
{
    public static (string Title, string Body) For(string type, string? actor) => type switch
    {
        NotificationTypes.Follow => ("New follower", $"{actor ?? "Someone"} started following you."),
        NotificationTypes.Message => ("New message", $"{actor ?? "Someone"} sent you a message."),
        NotificationTypes.GiftReceived => ("You received a gift", $"{actor ?? "Someone"} sent you a gift."),
        NotificationTypes.PayoutStatus => ("Payout update", "The status of your payout changed."),
        NotificationTypes.Subscription => ("Subscription update", "A subscription changed."),
        NotificationTypes.LiveStarted => ("Live now", $"{actor ?? "Someone you follow"} is live."),
        _ => ("Spotlight", "You have a new notification."),
    };
}
