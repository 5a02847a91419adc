using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Notifications;

/// <summary><c>POST /api/v1/notifications/read</c>: <c>ids</c> (up to 100 of the caller's), or <c>all: true</c>.</summary>
public sealed record MarkNotificationsReadRequest(Guid[]? Ids, bool? All);

/// <summary><c>/api/v1/notifications</c>: the caller's own notifications only; another user's ids change nothing.</summary>
internal static class NotificationsApi
{
    public static async Task<Results<Ok<Page<NotificationResponse>>, ValidationProblem>> List(
        ClaimsPrincipal caller, SpotlightDb db, IUserDirectory users, int? limit, string? cursor, bool? unread, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var me = caller.UserId();
        var query = db.Set<Notification>().AsNoTracking().Where(n => n.UserId == me);
        if (unread == true)
        {
            query = query.Where(n => n.ReadAt == null);
        }

        if (page.After is { } after)
        {
            query = query.Where(n => n.Id.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(n => n.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        var responses = await NotificationReader.ToResponsesAsync(users, rows, cancellationToken);
        return TypedResults.Ok(page.ToPage(responses, n => n.Id, n => n));
    }

    public static async Task<Ok<UnreadCountResponse>> UnreadCount(ClaimsPrincipal caller, SpotlightDb db, CancellationToken cancellationToken)
    {
        var me = caller.UserId();
        return TypedResults.Ok(new UnreadCountResponse(await db.Set<Notification>().LongCountAsync(n => n.UserId == me && n.ReadAt == null, cancellationToken)));
    }

    public static async Task<Results<Ok<UnreadCountResponse>, ValidationProblem>> MarkRead(
        MarkNotificationsReadRequest request, ClaimsPrincipal caller, SpotlightDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var ids = request.Ids ?? [];
        if ((request.All == true) == (ids.Length > 0) || ids.Length > 100)
        {
            return ApiProblem.Validation("ids", "Give up to 100 notification ids, or \"all\": true (not both).");
        }

        var me = caller.UserId();
        var now = time.GetUtcNow().UtcDateTime;
        var unread = db.Set<Notification>().Where(n => n.UserId == me && n.ReadAt == null);
        if (request.All != true)
        {
            unread = unread.Where(n => ids.Contains(n.Id));
        }

        await unread.ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        return TypedResults.Ok(new UnreadCountResponse(await db.Set<Notification>().LongCountAsync(n => n.UserId == me && n.ReadAt == null, cancellationToken)));
    }
}
