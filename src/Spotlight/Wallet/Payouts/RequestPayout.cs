using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Idempotency;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Payouts;

internal sealed record RequestPayoutRequest(long? Amount);

public sealed record PayoutResponse(
    Guid Id, Guid CreatorId, long Amount, string Status, DateTime RequestedAt, DateTime? DecidedAt, DateTime? PaidAt, string? ProviderReference, string? RejectionReason)
{
    internal static PayoutResponse From(Payout p) => new(p.Id, p.CreatorId, p.Amount, p.Status, p.RequestedAt, p.DecidedAt, p.PaidAt, p.ProviderReference, p.RejectionReason);
}

/// <summary>
/// A creator asks to withdraw earnings: the coins move from their earnings to <c>payout_clearing</c> with the payout row,
/// the audit entry, <see cref="PayoutRequested"/> and the idempotency key in one transaction.
/// </summary>
internal sealed class RequestPayout(
    SpotlightDb db, WalletOptions options, LedgerWriter ledger, IdempotencyContext idempotency, AuditLog audit, DomainEvents events, WalletMetrics metrics, TimeProvider time)
{
    public async Task<Outcome<PayoutResponse>> HandleAsync(Guid creatorId, RequestPayoutRequest request, CancellationToken cancellationToken)
    {
        if (request.Amount is not { } amount || amount < options.MinimumPayout)
        {
            return Refusal.Invalid("amount", $"A whole number of coins, at least {options.MinimumPayout}.");
        }

        // The money path runs to its end, whatever the caller does: no cancellation token below.
        var payout = new Payout { Id = Guid.CreateVersion7(), CreatorId = creatorId, Amount = amount, Status = PayoutStatus.Requested, RequestedAt = time.GetUtcNow().UtcDateTime };
        await using var transaction = await ledger.BeginAsync(db, CancellationToken.None);
        var posted = await ledger.PostAsync(db, new LedgerTransaction
        {
            Id = Guid.CreateVersion7(), Type = TransactionType.PayoutRequest, Amount = amount, InitiatorId = creatorId, Reference = $"payout:{payout.Id}:request",
        }, [new Posting(LedgerAccountRef.Earnings(creatorId), -amount), new Posting(LedgerAccountRef.PayoutClearing, amount)], cancellationToken: CancellationToken.None);
        if (posted is not PostResult.Posted)
        {
            metrics.Refused("payout");
            return MoneyRefusals.InsufficientFunds("Your earnings do not cover this payout.");
        }

        db.Add(payout);
        audit.Add(db, "wallet.payout_requested", "payout", payout.Id.ToString(), new { amount });
        events.Raise(db, new PayoutRequested(payout.Id, creatorId, amount));
        var response = PayoutResponse.From(payout);
        idempotency.Complete(db, StatusCodes.Status201Created, response);
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return response;
    }
}
