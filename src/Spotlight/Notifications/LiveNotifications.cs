using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Live.Lives;
using Spotlight.Platform.Events;
using Spotlight.Social;
using Spotlight.Wallet.Subscriptions;

namespace Spotlight.Notifications;

/// <summary>
/// A creator went live: each follower hears it once as <c>live_started</c> <c>{ liveSessionId, creatorId, title }</c>,
/// unless a block stands either way or the follower is banned; a subscribers-only live tells only the followers who
/// subscribe (with access, a canceled subscription until its period ends). Aggregated: a follower told of this creator
/// within <see cref="NotificationOptions.LiveStartedCooldownMinutes"/> of the live's start is not told again (a query
/// over the notifications already stored, so no table of its own). Each live notifies a follower at most once
/// (its dedupe key), however often the event is delivered.
/// </summary>
internal sealed class LiveStartedNotifier(
    SpotlightDb db, IFollowGraph follows, IBlockList blocks, IUserDirectory users, ISubscriptionAccess subscriptions, Notifier notifier, NotificationOptions options)
    : IDomainEventHandler<LiveStarted>
{
    public Task HandleAsync(LiveStarted started, EventContext context, CancellationToken cancellationToken)
    {
        var creator = started.CreatorId;
        var since = started.StartedAt.AddMinutes(-options.LiveStartedCooldownMinutes);
        var blocked = blocks.BlockedEitherWay(creator);
        var active = users.ActiveUserIds();
        var toldLately = db.Set<Notification>()
            .Where(n => n.Type == NotificationTypes.LiveStarted && n.ActorId == creator && n.CreatedAt > since && n.SubjectId != started.LiveId)
            .Select(n => n.UserId);
        var audience = follows.FollowerIds(creator).Where(id => id != creator && !blocked.Contains(id) && active.Contains(id) && !toldLately.Contains(id));
        if (started.Visibility == LiveVisibility.Subscribers)
        {
            var subscribers = subscriptions.SubscriberIds(creator);
            audience = audience.Where(id => subscribers.Contains(id));
        }

        return notifier.NotifyEachAsync(audience, follower => new NotificationDraft(follower, NotificationTypes.LiveStarted, creator, started.LiveId,
            new { LiveSessionId = started.LiveId, CreatorId = creator, started.Title }, $"live_started:{started.LiveId:N}"), cancellationToken);
    }
}
