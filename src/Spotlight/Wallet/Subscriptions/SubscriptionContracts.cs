using Microsoft.EntityFrameworkCore.Storage;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Subscriptions;

internal sealed record PlanResponse(Guid Id, string Name, long Price, Guid CreatorId, DateTime CreatedAt)
{
    public static PlanResponse From(SubscriptionPlan p) => new(p.Id, p.Name, p.Price, p.CreatorId, p.CreatedAt);
}

internal sealed record SubscriptionResponse(
    Guid Id, string Status, DateTime CurrentPeriodEnd, Guid PlanId, Guid CreatorId, Guid SubscriberId, long Price, DateTime CurrentPeriodStart,
    DateTime? CanceledAt, DateTime? PastDueSince, bool HasAccess, DateTime CreatedAt)
{
    public static SubscriptionResponse From(Subscription s, DateTime now) => new(
        s.Id, s.Status, s.CurrentPeriodEnd, s.PlanId, s.CreatorId, s.SubscriberId, s.Price, s.CurrentPeriodStart, s.CanceledAt, s.PastDueSince, s.HasAccess(now), s.CreatedAt);
}

/// <summary>
/// The ledger side of charging one period of a subscription by the subscription split: the first period
/// (<see cref="SubscribeToPlan"/>, through <see cref="ChargeAsync"/>) and each renewal (<see cref="SubscriptionRenewalJob"/>,
/// through <see cref="Transaction"/> and <see cref="Postings"/>).
/// </summary>
internal sealed class SubscriptionCharge(IRevenueSplits splits, LedgerWriter ledger, WalletMetrics metrics)
{
    /// <summary>A period charged: its ledger transaction and how it was split.</summary>
    public sealed record Charged(Guid TransactionId, SplitParts Split);

    public Task<IDbContextTransaction> BeginAsync(SpotlightDb db) => ledger.BeginAsync(db, CancellationToken.None);

    /// <summary>Posts the subscription's current period; too few coins: the database transaction was rolled back, and the refusal is 402.</summary>
    public async Task<Outcome<Charged>> ChargeAsync(SpotlightDb db, Subscription subscription)
    {
        var split = RevenueSplit.Compute(subscription.Price, splits.Percentages(SaleKind.Subscription));
        var transactionId = Guid.CreateVersion7();
        var posted = await ledger.PostAsync(db, Transaction(transactionId, subscription), Postings(subscription, split), cancellationToken: CancellationToken.None);
        if (posted is not PostResult.Posted)
        {
            metrics.Refused("subscription");
            return MoneyRefusals.InsufficientFunds();
        }

        return new Charged(transactionId, split);
    }

    /// <summary>After the caller committed: counts the coins.</summary>
    public void Completed(long price) => metrics.CoinsSubscribed.Add(price);

    public static LedgerTransaction Transaction(Guid transactionId, Subscription subscription) => new()
    {
        Id = transactionId, Type = TransactionType.Subscription, Amount = subscription.Price, InitiatorId = subscription.SubscriberId,
        Reference = $"subscription:{subscription.Id}:{subscription.PeriodNumber}",
        Metadata = $$"""{"subscriptionId":"{{subscription.Id}}","period":{{subscription.PeriodNumber}}}""",
    };

    public static Posting[] Postings(Subscription subscription, SplitParts split) =>
    [
        new Posting(LedgerAccountRef.Wallet(subscription.SubscriberId), -subscription.Price, subscription.CreatorId),
        new Posting(LedgerAccountRef.Earnings(subscription.CreatorId), split.Creator, subscription.SubscriberId),
        new Posting(LedgerAccountRef.Revenue, split.Platform),
        new Posting(LedgerAccountRef.ProcessorFees, split.Processor),
    ];
}
