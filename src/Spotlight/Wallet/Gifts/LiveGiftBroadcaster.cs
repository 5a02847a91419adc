using Spotlight.Data;
using Spotlight.Realtime.Live;

namespace Spotlight.Wallet.Gifts;

/// <summary>
/// A gift sent in a live reaches everyone watching it as <c>gift</c>. Staged in the gift's own transaction, so the event
/// leaves with the commit that moved the money (durable, caught up after a listener drop) instead of waiting its turn in
/// the outbox behind every other handler: at 50 gifts a second the outbox, which commits one event at a time, fell
/// seconds behind (bench/live).
/// </summary>
internal sealed class LiveGiftBroadcaster(LiveBroadcast broadcast)
{
    public Task StageAsync(SpotlightDb db, GiftSent gift, CancellationToken cancellationToken) =>
        gift.LiveSessionId is { } live
            ? broadcast.StageAsync(db, live, LiveBroadcast.Gift, new
            {
                gift.TransactionId, gift.SenderId, gift.RecipientId, gift.GiftId, gift.GiftName, gift.Quantity, gift.Amount, gift.SentAt,
            }, cancellationToken)
            : Task.CompletedTask;
}
