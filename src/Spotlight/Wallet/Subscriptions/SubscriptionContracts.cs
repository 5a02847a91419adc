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

/// <summary>The ledger side of charging one period of a subscription: the first one (<see cref="SubscribeToPlan"/>) and each renewal (<see cref="SubscriptionRenewalJob"/>).</summary>
internal static class SubscriptionCharge
{
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
