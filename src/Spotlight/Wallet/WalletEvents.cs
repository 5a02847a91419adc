using Spotlight.Platform.Events;

namespace Spotlight.Wallet;

// What the wallet tells other modules (realtime, notifications). Raised in the same transaction as the money, delivered
// at least once: handlers deduplicate on the transaction id or the event id.

public sealed record GiftSent(
    Guid TransactionId, Guid SenderId, Guid RecipientId, string GiftId, string GiftName, int Quantity, long Amount, long CreatorAmount,
    Guid? LiveSessionId, DateTime SentAt) : IDomainEvent;

public sealed record CoinsTransferred(Guid TransactionId, Guid FromUserId, Guid ToUserId, long Amount, string? Note, DateTime TransferredAt) : IDomainEvent;

public sealed record TopupCredited(Guid TopupId, Guid UserId, long Amount, string Provider, Guid TransactionId) : IDomainEvent;

public sealed record SubscriptionStarted(Guid SubscriptionId, Guid SubscriberId, Guid CreatorId, Guid PlanId, long Price, DateTime CurrentPeriodEnd) : IDomainEvent;

public sealed record SubscriptionRenewed(Guid SubscriptionId, Guid SubscriberId, Guid CreatorId, long Price, DateTime CurrentPeriodEnd, Guid TransactionId) : IDomainEvent;

public sealed record SubscriptionPastDue(Guid SubscriptionId, Guid SubscriberId, Guid CreatorId, DateTime GraceUntil) : IDomainEvent;

public sealed record SubscriptionCanceled(Guid SubscriptionId, Guid SubscriberId, Guid CreatorId, DateTime AccessUntil) : IDomainEvent;

public sealed record SubscriptionExpired(Guid SubscriptionId, Guid SubscriberId, Guid CreatorId) : IDomainEvent;

public sealed record PayoutRequested(Guid PayoutId, Guid CreatorId, long Amount) : IDomainEvent;

public sealed record PayoutPaid(Guid PayoutId, Guid CreatorId, long Amount) : IDomainEvent;

public sealed record PayoutRejected(Guid PayoutId, Guid CreatorId, long Amount, string? Reason) : IDomainEvent;

public sealed record WalletAdjusted(Guid TransactionId, Guid UserId, long Amount, string Reason, Guid AdminId) : IDomainEvent;

public sealed record TransactionReversed(Guid ReversalId, Guid ReversedTransactionId, Guid AdminId) : IDomainEvent;

public sealed record LedgerUnbalanced(Guid ReconciliationId, int Mismatches) : IDomainEvent;
