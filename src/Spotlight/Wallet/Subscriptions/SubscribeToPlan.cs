using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Idempotency;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Subscriptions;

internal sealed record SubscribeRequest(Guid? PlanId);

/// <summary>API.md's 201 body for a new subscription: the subscription plus how its first charge was split.</summary>
internal sealed record SubscribedResponse(Guid Id, string Status, DateTime CurrentPeriodEnd, SplitParts Split, Guid PlanId, Guid CreatorId, long Price, Guid TransactionId);

/// <summary>
/// Subscribes a fan to a creator's plan: the first period is charged now by the subscription split, with the
/// subscription row, the audit entry, <see cref="SubscriptionStarted"/> and the idempotency key in one transaction; one
/// live subscription per subscriber and creator (a unique key settles a race).
/// </summary>
internal sealed class SubscribeToPlan(
    SpotlightDb db, Counterparties counterparties, SubscriptionCharge charge, IdempotencyContext idempotency, AuditLog audit, DomainEvents events, TimeProvider time)
{
    private static readonly Refusal AlreadySubscribed = Refusal.Conflict("already_subscribed", "You already have a subscription to this creator.");

    public async Task<Outcome<SubscribedResponse>> HandleAsync(Guid subscriberId, Guid creatorId, SubscribeRequest request, CancellationToken cancellationToken)
    {
        if (request.PlanId is not { } planId)
        {
            return Refusal.Invalid("planId", "This field is required.");
        }

        var plan = await db.Set<SubscriptionPlan>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == planId && p.CreatorId == creatorId, cancellationToken);
        if (plan is null || !await counterparties.IsActiveCreatorAsync(creatorId, cancellationToken))
        {
            return Refusal.NotFound("This creator has no plan with this id.");
        }

        if (creatorId == subscriberId)
        {
            return new Refusal(StatusCodes.Status400BadRequest, "cannot_subscribe_self", "You cannot subscribe to yourself.");
        }

        if (await counterparties.IsBlockedAsync(subscriberId, creatorId))
        {
            return MoneyRefusals.Blocked("You cannot subscribe to this creator.");
        }

        var liveKey = Subscription.LiveKeyFor(subscriberId, creatorId);
        if (await db.Set<Subscription>().AnyAsync(s => s.LiveKey == liveKey, cancellationToken))
        {
            return AlreadySubscribed;
        }

        // From here the money path runs to its end, whatever the caller does: no cancellation token below.
        var now = time.GetUtcNow().UtcDateTime;
        var subscription = new Subscription
        {
            Id = Guid.CreateVersion7(), SubscriberId = subscriberId, CreatorId = creatorId, PlanId = plan.Id, Price = plan.Price, Status = SubscriptionStatus.Active,
            CurrentPeriodStart = now, CurrentPeriodEnd = now + Subscription.Period, PeriodNumber = 1, CreatedAt = now, LiveKey = liveKey,
        };
        await using var transaction = await charge.BeginAsync(db);
        var charged = await charge.ChargeAsync(db, subscription);
        if (charged.Value is not { } done)
        {
            return charged.Refusal!;
        }

        var (transactionId, split) = (done.TransactionId, done.Split);

        db.Add(subscription);
        audit.Add(db, "wallet.subscribed", "subscription", subscription.Id.ToString(), new { creatorId, planId = plan.Id, plan.Price });
        events.Raise(db, new SubscriptionStarted(subscription.Id, subscriberId, creatorId, plan.Id, plan.Price, subscription.CurrentPeriodEnd));
        var response = new SubscribedResponse(subscription.Id, subscription.Status, subscription.CurrentPeriodEnd, split, plan.Id, creatorId, plan.Price, transactionId);
        idempotency.Complete(db, StatusCodes.Status201Created, response);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            // Another request subscribed the same pair first: the unique live key let only one in.
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return AlreadySubscribed;
        }

        await transaction.CommitAsync(CancellationToken.None);
        charge.Completed(plan.Price);
        return response;
    }
}
