using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Messaging.Conversations;
using Spotlight.Messaging.Messages;
using Spotlight.Platform.Events;
using Spotlight.Realtime.Presence;

namespace Spotlight.Notifications;

/// <summary>Turns one event into the notifications it causes (none, one, several).</summary>
public sealed record NotificationRule<TEvent>(Func<TEvent, IEnumerable<NotificationDraft>> Drafts) where TEvent : IDomainEvent;

/// <summary>
/// Subscribes a notification rule to an event of another module, so that module never calls this one:
/// <c>services.AddNotification&lt;GiftSent&gt;(e =&gt; new NotificationDraft(e.RecipientId, NotificationTypes.GiftReceived, e.SenderId, e.TransactionId))</c>.
/// </summary>
public static class NotificationRuleServiceCollectionExtensions
{
    public static IServiceCollection AddNotification<TEvent>(this IServiceCollection services, Func<TEvent, NotificationDraft?> rule) where TEvent : IDomainEvent =>
        services.AddNotifications<TEvent>(e => rule(e) is { } draft ? [draft] : []);

    public static IServiceCollection AddNotifications<TEvent>(this IServiceCollection services, Func<TEvent, IEnumerable<NotificationDraft>> rule) where TEvent : IDomainEvent
    {
        services.AddSingleton(new NotificationRule<TEvent>(rule));
        return services.AddEventHandler<TEvent, EventNotifier<TEvent>>();
    }
}

/// <summary>
/// Runs a <see cref="NotificationRule{TEvent}"/> for each delivery of the event. The outbox delivers at least once; a
/// draft without its own key is keyed by the event's id and recipient, so a redelivery stores nothing new.
/// </summary>
internal sealed class EventNotifier<TEvent>(NotificationRule<TEvent> rule, Notifier notifier) : IDomainEventHandler<TEvent> where TEvent : IDomainEvent
{
    public async Task HandleAsync(TEvent domainEvent, EventContext context, CancellationToken cancellationToken)
    {
        foreach (var draft in rule.Drafts(domainEvent))
        {
            await notifier.NotifyAsync(draft with { DedupeKey = draft.DedupeKey ?? $"{typeof(TEvent).Name}:{context.EventId:N}:{draft.UserId:N}" }, cancellationToken);
        }
    }
}

/// <summary>
/// "New message" for the members who are offline when the outbox delivers <see cref="MessagePosted"/> (those online got
/// the message itself). One unread message notification per conversation: while one is unread, later messages add none.
/// </summary>
internal sealed class OfflineMessageNotifier(SpotlightDb db, IConversationDirectory conversations, IPresence presence, Notifier notifier) : IDomainEventHandler<MessagePosted>
{
    public async Task HandleAsync(MessagePosted posted, EventContext context, CancellationToken cancellationToken)
    {
        var offline = await conversations.MemberIds(posted.ConversationId)
            .Where(u => u != posted.SenderId && !presence.OnlineUsers().Contains(u))
            .ToListAsync(cancellationToken);
        if (offline.Count == 0)
        {
            return;
        }

        var alreadyNotified = await db.Set<Notification>().AsNoTracking()
            .Where(n => offline.Contains(n.UserId) && n.Type == NotificationTypes.Message && n.SubjectId == posted.ConversationId && n.ReadAt == null)
            .Select(n => n.UserId).ToListAsync(cancellationToken);
        foreach (var userId in offline.Except(alreadyNotified))
        {
            await notifier.NotifyAsync(new NotificationDraft(userId, NotificationTypes.Message, posted.SenderId, posted.ConversationId,
                new { posted.ConversationId, posted.MessageId, posted.Sequence }, $"message:{posted.MessageId:N}"), cancellationToken);
        }
    }
}
