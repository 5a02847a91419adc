using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;

namespace Spotlight.Notifications;

public sealed record ActorResponse(Guid Id, string Handle, string? DisplayName, string? AvatarUrl);

/// <summary>A notification over REST and as the hub's <c>notification</c> event. <c>data</c> holds the kind's own fields.</summary>
public sealed record NotificationResponse(Guid Id, string Type, ActorResponse? Actor, Guid? SubjectId, JsonElement? Data, DateTime CreatedAt, DateTime? ReadAt);

public sealed record UnreadCountResponse(long Count);

internal static class NotificationReader
{
    public static async Task<List<NotificationResponse>> ToResponsesAsync(SpotlightDb db, IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        var actorIds = notifications.Where(n => n.ActorId is not null).Select(n => n.ActorId!.Value).Distinct().ToList();
        var actors = actorIds.Count == 0
            ? []
            : await db.Users.AsNoTracking().Where(u => actorIds.Contains(u.Id))
                .Select(u => new ActorResponse(u.Id, u.UserName ?? "", u.DisplayName, u.AvatarUrl)).ToDictionaryAsync(a => a.Id, cancellationToken);
        return notifications.Select(n => new NotificationResponse(n.Id, n.Type, n.ActorId is { } actor ? actors.GetValueOrDefault(actor) : null, n.SubjectId,
            n.Data is null ? null : JsonDocument.Parse(n.Data).RootElement.Clone(), n.CreatedAt, n.ReadAt)).ToList();
    }
}
