using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Payouts;

/// <summary>
/// An admin approves a payout: requested → approved (committed first, so a crash cannot forget that the provider was
/// asked), then the provider pays (idempotent on the payout id), then approved → paid with the ledger moving
/// <c>payout_clearing</c> to <c>payouts_paid</c>. A provider failure leaves the payout approved, with the error (502
/// <c>payout_failed</c>); approving again retries. Used by the API and the console alike.
/// </summary>
public sealed class ApprovePayout(
    SpotlightDb db, IPayoutProvider provider, LedgerWriter ledger, AuditLog audit, DomainEvents events, WalletMetrics metrics, TimeProvider time)
{
    /// <summary>The payout provider's name, as the console reports it.</summary>
    public string ProviderName => provider.Name;

    public async Task<Outcome<PayoutResponse>> HandleAsync(Guid adminId, Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        int approved;
        await using (var approval = await db.Database.BeginTransactionAsync(CancellationToken.None))
        {
            // The approval and its audit entry commit together, before the provider is asked to pay.
            approved = await db.Set<Payout>().Where(p => p.Id == id && p.Status == PayoutStatus.Requested)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PayoutStatus.Approved).SetProperty(p => p.DecidedAt, now)
                    .SetProperty(p => p.DecidedBy, adminId).SetProperty(p => p.Provider, provider.Name), CancellationToken.None);
            if (approved == 1)
            {
                var amount = await db.Set<Payout>().Where(p => p.Id == id).Select(p => p.Amount).SingleAsync(CancellationToken.None);
                audit.Add(db, "wallet.payout_approved", "payout", id.ToString(), new { amount, provider = provider.Name });
                await db.SaveChangesAsync(CancellationToken.None);
            }

            await approval.CommitAsync(CancellationToken.None);
        }

        var payout = await db.Set<Payout>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, CancellationToken.None);
        if (payout is null)
        {
            return Refusal.NotFound("No payout has this id.");
        }

        if (payout.Status != PayoutStatus.Approved)
        {
            return Refusal.Conflict("payout_not_pending", $"This payout is {payout.Status}; only a requested payout can be approved.");
        }

        string reference;
        try
        {
            reference = await provider.PayAsync(payout, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var error = exception.Message.Length > 1000 ? exception.Message[..1000] : exception.Message;
            await db.Set<Payout>().Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.LastError, error), CancellationToken.None);
            return new Refusal(StatusCodes.Status502BadGateway, "payout_failed", "The payout provider did not pay; the payout stays approved and can be approved again to retry.");
        }

        await using (var transaction = await ledger.BeginAsync(db, CancellationToken.None))
        {
            var paidAt = time.GetUtcNow().UtcDateTime;
            var settled = await db.Set<Payout>().Where(p => p.Id == id && p.Status == PayoutStatus.Approved)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PayoutStatus.Paid).SetProperty(p => p.PaidAt, paidAt)
                    .SetProperty(p => p.ProviderReference, reference).SetProperty(p => p.LastError, (string?)null), CancellationToken.None);
            if (settled == 1)
            {
                await ledger.PostAsync(db, new LedgerTransaction
                {
                    Id = Guid.CreateVersion7(), Type = TransactionType.PayoutPaid, Amount = payout.Amount, InitiatorId = adminId, Reference = $"payout:{id}:paid",
                }, [new Posting(LedgerAccountRef.PayoutClearing, -payout.Amount), new Posting(LedgerAccountRef.PayoutsPaid, payout.Amount, payout.CreatorId)], cancellationToken: CancellationToken.None);
                audit.Add(db, "wallet.payout_paid", "payout", id.ToString(), new { payout.Amount, provider = provider.Name, reference });
                events.Raise(db, new PayoutPaid(id, payout.CreatorId, payout.Amount));
                await db.SaveChangesAsync(CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
                metrics.CoinsPaidOut.Add(payout.Amount);
            }
        }

        return PayoutResponse.From(await db.Set<Payout>().AsNoTracking().SingleAsync(p => p.Id == id, CancellationToken.None));
    }
}
