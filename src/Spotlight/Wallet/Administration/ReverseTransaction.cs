using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Topups;

namespace Spotlight.Wallet.Administration;

public sealed record ReverseRequest(string? Reason, bool? AllowNegative);

public sealed record ReversalResponse(Guid TransactionId, Guid ReversedTransactionId, string Type, long Amount, bool AllowNegative, DateTime CreatedAt);

/// <summary>
/// An admin undoes a transaction with opposite entries, once (the unique <c>ReversesId</c> settles a race). A reversal
/// that would take a user balance below zero is refused (409 <c>negative_balance</c>) unless <c>allowNegative</c> is set,
/// which is then recorded. Audited, with <see cref="TransactionReversed"/>. Used by the API and the console alike.
/// </summary>
public sealed class ReverseTransaction(SpotlightDb db, LedgerWriter ledger, AuditLog audit, DomainEvents events, WalletMetrics metrics)
{
    /// <summary>The refusal's code when the reversal would take a balance below zero.</summary>
    public const string NegativeBalance = "negative_balance";

    private static readonly Refusal AlreadyReversed = Refusal.Conflict("already_reversed", "This transaction has already been reversed.");

    public async Task<Outcome<ReversalResponse>> HandleAsync(Guid adminId, Guid id, ReverseRequest? request, CancellationToken cancellationToken)
    {
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? null : request.Reason.Trim();
        if (reason is { Length: > 500 })
        {
            return Refusal.Invalid("reason", "At most 500 characters.");
        }

        var allowNegative = request?.AllowNegative ?? false;
        var original = await db.Set<LedgerTransaction>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (original is null)
        {
            return Refusal.NotFound("No transaction has this id.");
        }

        if (!TransactionType.IsReversible(original.Type))
        {
            return Refusal.Conflict("not_reversible", $"A {original.Type} transaction cannot be reversed (reject a payout instead; a reversal is not reversed).");
        }

        if (await db.Set<LedgerTransaction>().AnyAsync(t => t.ReversesId == id, cancellationToken))
        {
            return AlreadyReversed;
        }

        var entries = await db.Set<LedgerEntry>().AsNoTracking().Where(e => e.TransactionId == id)
            .Join(db.Set<LedgerAccount>(), e => e.AccountId, a => a.Id, (e, a) => new { e.Amount, e.CounterpartyId, a.Id, a.Kind, a.OwnerId, a.Key })
            .ToListAsync(cancellationToken);

        // From here the money path runs to its end, whatever the caller does: no cancellation token below.
        var reversal = new LedgerTransaction
        {
            Id = Guid.CreateVersion7(), Type = TransactionType.Reversal, Amount = original.Amount, InitiatorId = adminId, ReversesId = id, Memo = reason,
            Metadata = JsonSerializer.Serialize(new { reversedType = original.Type, allowNegative }),
        };
        await using var transaction = await ledger.BeginAsync(db, CancellationToken.None);
        var posted = await ledger.PostAsync(db, reversal,
            entries.Select(e => new Posting(new LedgerAccountRef(e.Id, e.Kind, e.OwnerId, e.Key), -e.Amount, e.CounterpartyId)), allowNegative, CancellationToken.None);
        if (posted is PostResult.InsufficientFunds refused)
        {
            return Refusal.Conflict(NegativeBalance,
                $"Reversing this transaction would take the balance of {refused.Account.Key} below zero. Send allowNegative: true to reverse it anyway.");
        }

        if (original.Type == TransactionType.Topup)
        {
            // A refunded top-up no longer counts toward what its clearing account should hold.
            await db.Set<Topup>().Where(t => t.TransactionId == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, "refunded"), CancellationToken.None);
        }

        audit.Add(db, "wallet.transaction_reversed", "transaction", id.ToString(), new { reversalId = reversal.Id, original.Type, original.Amount, reason, allowNegative });
        events.Raise(db, new TransactionReversed(reversal.Id, id, adminId));
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return AlreadyReversed;
        }

        await transaction.CommitAsync(CancellationToken.None);
        metrics.CoinsAdjusted.Add(original.Amount);
        return new ReversalResponse(reversal.Id, id, original.Type, original.Amount, allowNegative, reversal.CreatedAt);
    }
}
