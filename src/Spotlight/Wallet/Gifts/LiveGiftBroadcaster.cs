using Spotlight.Platform.Events;
using Spotlight.Realtime.Live;

namespace Spotlight.Wallet.Gifts;

/// <summary>
/// A gift that names a live session is shown to everyone watching it (the hub's <c>gift</c> event), through Realtime's
/// transport. It goes out once the gift's transaction has committed (through the outbox), so a gift that rolled back is
/// never shown; delivery is at least once, so viewers may see one gift twice and should key it by <c>transactionId</c>.
/// </summary>
internal sealed class LiveGiftBroadcaster(LiveBroadcast broadcast) : IDomainEventHandler<GiftSent>
{
    public Task HandleAsync(GiftSent domainEvent, EventContext context, CancellationToken cancellationToken) =>
        domainEvent.LiveSessionId is { } live
            ? broadcast.PublishAsync(live, LiveBroadcast.Gift, new
            {
                domainEvent.TransactionId, domainEvent.SenderId, domainEvent.RecipientId, domainEvent.GiftId, domainEvent.GiftName,
                domainEvent.Quantity, domainEvent.Amount, domainEvent.SentAt,
            }, cancellationToken)
            : Task.CompletedTask;
}
