using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Payouts;

public sealed record RejectPayoutRequest(string? Reason);

/// <summary>
/// An admin rejects a requested payout: the coins go back from <c>payout_clearing</c> to the creator's earnings, with the
/// reason, the audit entry and <see cref="PayoutRejected"/> in one transaction. Used by the API and the console alike.
/// </summary>
public sealed class RejectPayout(SpotlightDb db, LedgerWriter ledger, AuditLog audit, DomainEvents events, TimeProvider time)
{
    public async Task<Outcome<PayoutResponse>> HandleAsync(Guid adminId, Guid id, RejectPayoutRequest? request, CancellationToken cancellationToken)
    {
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? null : request.Reason.Trim();
        if (reason is { Length: > 500 })
        {
            return Refusal.Invalid("reason", "At most 500 characters.");
        }

        // The money path runs to its end, whatever the caller does: no cancellation token below.
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await ledger.BeginAsync(db, CancellationToken.None);
        var rejected = await db.Set<Payout>().Where(p => p.Id == id && p.Status == PayoutStatus.Requested)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PayoutStatus.Rejected).SetProperty(p => p.DecidedAt, now)
                .SetProperty(p => p.DecidedBy, adminId).SetProperty(p => p.RejectionReason, reason), CancellationToken.None);
        var payout = await db.Set<Payout>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, CancellationToken.None);
        if (payout is null)
        {
            return Refusal.NotFound("No payout has this id.");
        }

        if (rejected == 0)
        {
            return Refusal.Conflict("payout_not_pending", $"This payout is {payout.Status}; only a requested payout can be rejected.");
        }

        await ledger.PostAsync(db, new LedgerTransaction
        {
            Id = Guid.CreateVersion7(), Type = TransactionType.PayoutRejected, Amount = payout.Amount, InitiatorId = adminId, Reference = $"payout:{id}:rejected", Memo = reason,
        }, [new Posting(LedgerAccountRef.PayoutClearing, -payout.Amount), new Posting(LedgerAccountRef.Earnings(payout.CreatorId), payout.Amount)], cancellationToken: CancellationToken.None);
        audit.Add(db, "wallet.payout_rejected", "payout", id.ToString(), new { payout.Amount, reason });
        events.Raise(db, new PayoutRejected(id, payout.CreatorId, payout.Amount, reason));
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return PayoutResponse.From(payout);
    }
}
