using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;

namespace Spotlight.Wallet.Subscriptions;

/// <summary>
/// A subscriber stops renewing: canceled, access kept to the end of the paid period (a past-due or paused subscription
/// has no paid time left, so its access ends at once); audited, with <see cref="SubscriptionCanceled"/>. Canceling an
/// ended one answers it as it is.
/// </summary>
internal sealed class CancelSubscription(SpotlightDb db, AuditLog audit, DomainEvents events, TimeProvider time)
{
    public async Task<Outcome<SubscriptionResponse>> HandleAsync(Guid subscriberId, Guid id, CancellationToken cancellationToken)
    {
        var subscription = await db.Set<Subscription>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.SubscriberId == subscriberId, cancellationToken);
        if (subscription is null)
        {
            return Refusal.NotFound("You have no subscription with this id.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (subscription.Status is SubscriptionStatus.Active or SubscriptionStatus.PastDue or SubscriptionStatus.Paused)
        {
            var endsNow = subscription.Status is SubscriptionStatus.PastDue or SubscriptionStatus.Paused;
            var status = SubscriptionStatus.Canceled;
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            // Conditional on the status read, so a renewal running at the same moment is not overwritten.
            var changed = await db.Set<Subscription>().Where(s => s.Id == id && s.Status == subscription.Status && s.PeriodNumber == subscription.PeriodNumber)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, status).SetProperty(s => s.CanceledAt, now)
                    .SetProperty(s => s.EndedAt, s => endsNow ? now : s.EndedAt).SetProperty(s => s.LiveKey, s => endsNow ? null : s.LiveKey), CancellationToken.None);
            if (changed == 0)
            {
                return Refusal.Conflict("conflict", "The subscription changed meanwhile; read it and try again.");
            }

            var accessUntil = endsNow ? now : subscription.CurrentPeriodEnd;
            audit.Add(db, "wallet.subscription_canceled", "subscription", id.ToString(), new { accessUntil });
            events.Raise(db, new SubscriptionCanceled(id, subscriberId, subscription.CreatorId, accessUntil));
            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
            subscription = await db.Set<Subscription>().AsNoTracking().SingleAsync(s => s.Id == id, CancellationToken.None);
        }

        return SubscriptionResponse.From(subscription, now);
    }
}
