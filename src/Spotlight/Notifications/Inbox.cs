using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Notifications;

/// <summary><c>POST /api/v1/notifications/read</c>: <c>ids</c> (up to 100 of the caller's), or <c>all: true</c>.</summary>
public sealed record MarkNotificationsReadRequest(Guid[]? Ids, bool? All);

/// <summary><c>GET /notifications</c>: the caller's own notifications, newest first; <c>unread</c> for the unread ones only.</summary>
internal sealed class ListNotifications(SpotlightDb db, IUserDirectory users)
{
    public async Task<Outcome<Page<NotificationResponse>>> HandleAsync(Guid me, PageRequest page, bool unreadOnly, CancellationToken cancellationToken)
    {
        var query = db.Set<Notification>().AsNoTracking().Where(n => n.UserId == me);
        if (unreadOnly)
        {
            query = query.Where(n => n.ReadAt == null);
        }

        if (page.After is { } after)
        {
            query = query.Where(n => n.Id.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(n => n.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        var responses = await NotificationReader.ToResponsesAsync(users, rows, cancellationToken);
        return page.ToPage(responses, n => n.Id, n => n);
    }
}

/// <summary><c>GET /notifications/unread-count</c>, and what marking answers: how many of the caller's notifications are unread.</summary>
internal sealed class CountUnreadNotifications(SpotlightDb db)
{
    public async Task<Outcome<UnreadCountResponse>> HandleAsync(Guid me, CancellationToken cancellationToken) =>
        new UnreadCountResponse(await db.Set<Notification>().LongCountAsync(n => n.UserId == me && n.ReadAt == null, cancellationToken));
}

/// <summary><c>POST /notifications/read</c>: marks some of the caller's notifications read, or all; another user's ids change nothing.</summary>
internal sealed class MarkNotificationsRead(SpotlightDb db, CountUnreadNotifications unread, TimeProvider time)
{
    public const int MaxIds = 100;

    public async Task<Outcome<UnreadCountResponse>> HandleAsync(Guid me, MarkNotificationsReadRequest request, CancellationToken cancellationToken)
    {
        var ids = request.Ids ?? [];
        if ((request.All == true) == (ids.Length > 0) || ids.Length > MaxIds)
        {
            return Refusal.Invalid("ids", $"Give up to {MaxIds} notification ids, or \"all\": true (not both).");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var marked = db.Set<Notification>().Where(n => n.UserId == me && n.ReadAt == null);
        if (request.All != true)
        {
            marked = marked.Where(n => ids.Contains(n.Id));
        }

        await marked.ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        return await unread.HandleAsync(me, cancellationToken);
    }
}
