using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Notifications.Delivery;
using Spotlight.Realtime.Fanout;

namespace Spotlight.Notifications;

/// <summary>
/// A notification to store: for whom, what kind, caused by whom, about what. <see cref="DedupeKey"/> makes it once per
/// user (default: once per event and recipient).
/// </summary>
public sealed record NotificationDraft(Guid UserId, string Type, Guid? ActorId = null, Guid? SubjectId = null, object? Data = null, string? DedupeKey = null);

/// <summary>
/// Stores a notification and, in the same transaction, its external deliveries (outbox rows) and the realtime signal
/// that shows it to the user's open connections. A draft whose key the user already has is skipped.
/// </summary>
public sealed class Notifier(SpotlightDb db, IUserDirectory users, RealtimeFeed feed, NotificationMetrics metrics, TimeProvider time)
{
    private const int FanOutPage = 500;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Returns the stored notification, or null when the user already had one with this key.</summary>
    public async Task<NotificationResponse?> NotifyAsync(NotificationDraft draft, CancellationToken cancellationToken)
    {
        if (draft.DedupeKey is not { Length: > 0 and <= 200 } key)
        {
            throw new ArgumentException("A notification needs a deduplication key of 1 to 200 characters.", nameof(draft));
        }

        var now = time.GetUtcNow().UtcDateTime;
        var id = Guid.CreateVersion7();
        var data = draft.Data is null ? null : JsonSerializer.Serialize(draft.Data, Json);
        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO notifications ("Id", "UserId", "Type", "ActorId", "SubjectId", "Data", "DedupeKey", "CreatedAt")
                VALUES ({id}, {draft.UserId}, {draft.Type}, {draft.ActorId}, {draft.SubjectId}, {data}, {key}, {now})
                ON CONFLICT ("UserId", "DedupeKey") DO NOTHING
                """, cancellationToken);
            if (inserted == 0)
            {
                return null;
            }

            foreach (var channel in NotificationChannels.For(draft.Type))
            {
                db.Add(new NotificationDelivery
                {
                    Id = Guid.CreateVersion7(), NotificationId = id, UserId = draft.UserId, Channel = channel, DedupeKey = $"{id:N}:{channel}",
                    NextAttemptAt = now, CreatedAt = now,
                });
            }

            await db.SaveChangesAsync(cancellationToken);
            var stored = new Notification
            {
                Id = id, UserId = draft.UserId, Type = draft.Type, ActorId = draft.ActorId, SubjectId = draft.SubjectId, Data = data, DedupeKey = key, CreatedAt = now,
            };
            var response = (await NotificationReader.ToResponsesAsync(users, [stored], cancellationToken))[0];
            await feed.StageAsync(db, new RealtimeSignal { Kind = NotificationSignalDelivery.Kind, UserId = draft.UserId, SubjectId = id }, response, cancellationToken);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }

            metrics.Created.Add(1, new KeyValuePair<string, object?>("type", draft.Type));
            return response;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// One draft to each of <paramref name="recipients"/> (a query over ids, read a page at a time in id order, so a
    /// creator with a million followers is never held in memory): the fan-out of a new post, a live starting.
    /// </summary>
    public async Task NotifyEachAsync(IQueryable<Guid> recipients, Func<Guid, NotificationDraft> draft, CancellationToken cancellationToken)
    {
        var audience = recipients.Distinct();
        Guid? after = null;
        while (true)
        {
            var page = after is { } last ? audience.Where(id => id.CompareTo(last) > 0) : audience;
            var ids = await page.OrderBy(id => id).Take(FanOutPage).ToListAsync(cancellationToken);
            foreach (var recipient in ids)
            {
                await NotifyAsync(draft(recipient), cancellationToken);
            }

            if (ids.Count < FanOutPage)
            {
                return;
            }

            after = ids[^1];
        }
    }
}

/// <summary>Which external channels each kind goes out on. Push for all; email only where a user expects mail (money).</summary>
public static class NotificationChannels
{
    public const string Push = "push";
    public const string Email = "email";

    public static IReadOnlyList<string> For(string type) => type switch
    {
        NotificationTypes.PayoutStatus or NotificationTypes.Subscription => [Push, Email],
        _ => [Push],
    };
}
