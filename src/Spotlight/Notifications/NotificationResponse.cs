using System.Text.Json;
using Spotlight.Identity.Users;

namespace Spotlight.Notifications;

public sealed record ActorResponse(Guid Id, string Handle, string? DisplayName, string? AvatarUrl);

/// <summary>A notification over REST and as the hub's <c>notification</c> event. <c>data</c> holds the kind's own fields.</summary>
public sealed record NotificationResponse(Guid Id, string Type, ActorResponse? Actor, Guid? SubjectId, JsonElement? Data, DateTime CreatedAt, DateTime? ReadAt);

public sealed record UnreadCountResponse(long Count);

internal static class NotificationReader
{
    /// <summary>The actors' cards come from Identity's directory (banned actors too: the notification happened).</summary>
    public static async Task<List<NotificationResponse>> ToResponsesAsync(IUserDirectory users, IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
    {
        var actorIds = notifications.Where(n => n.ActorId is not null).Select(n => n.ActorId!.Value).Distinct().ToList();
        var actors = await users.FactsAsync(actorIds, cancellationToken);
        return notifications.Select(n => new NotificationResponse(n.Id, n.Type, n.ActorId is { } actor && actors.GetValueOrDefault(actor) is { } a
                ? new ActorResponse(a.Id, a.Handle, a.DisplayName, a.AvatarUrl)
                : null, n.SubjectId,
            n.Data is null ? null : JsonDocument.Parse(n.Data).RootElement.Clone(), n.CreatedAt, n.ReadAt)).ToList();
    }
}
