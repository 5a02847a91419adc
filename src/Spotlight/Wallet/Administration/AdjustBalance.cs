using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Idempotency;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Administration;

public sealed record AdjustmentRequest(long? Amount, string? Reason);

public sealed record AdjustmentResponse(Guid TransactionId, Guid UserId, long Amount, long BalanceAfter, string Reason, DateTime CreatedAt);

/// <summary>
/// An admin credits (amount &gt; 0) or debits (amount &lt; 0) a user's wallet against the platform's <c>adjustments</c>
/// account, with the audit entry, <see cref="WalletAdjusted"/> and the idempotency key of the API request in one
/// transaction. The console, which has no request key, passes its form's key instead (<see cref="HandleAsync"/>'s
/// <c>onceKey</c>): it becomes the ledger transaction's unique reference, so the same form sent again answers with the
/// first adjustment (<see cref="Adjusted.AlreadyMade"/>) and moves nothing, and the key sent with other input is refused.
/// </summary>
public sealed class AdjustBalance(
    SpotlightDb db, IUserDirectory users, LedgerWriter ledger, IdempotencyContext idempotency, AuditLog audit, DomainEvents events, WalletMetrics metrics)
{
    public const long MaxAmount = 1_000_000_000;

    /// <summary>The longest form key the console may pass (the reference is at most 200 characters).</summary>
    public const int MaxKeyLength = 100;

    /// <summary>The adjustment, or the first one made with the same form key (nothing moved now).</summary>
    public sealed record Adjusted(AdjustmentResponse Response, bool AlreadyMade);

    public static bool IsValidKey(string? key) => key is { Length: <= MaxKeyLength } && IdempotentOperation.IsValidKey(key);

    public async Task<Outcome<Adjusted>> HandleAsync(Guid adminId, Guid userId, AdjustmentRequest request, CancellationToken cancellationToken, string? onceKey = null)
    {
        var errors = new FieldErrors().Required("reason", request.Reason).MaxLength("reason", request.Reason?.Trim(), 500);
        var amount = request.Amount ?? 0;
        if (amount == 0 || amount is > MaxAmount or < -MaxAmount)
        {
            errors.Add("amount", "A whole number of coins other than 0: positive credits the wallet, negative debits it (at most 1,000,000,000 either way).");
        }

        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        if (onceKey is not null && !IsValidKey(onceKey))
        {
            throw new ArgumentException($"A form key is 1-{MaxKeyLength} printable ASCII characters.", nameof(onceKey));
        }

        if (!(await users.FactsAsync([userId], cancellationToken)).ContainsKey(userId))
        {
            return Refusal.NotFound("No user has this id.");
        }

        var reason = request.Reason!.Trim();
        var reference = onceKey is null ? null : "adjustment:" + onceKey;
        if (reference is not null && await FirstAsync(reference, userId, amount, reason, cancellationToken) is { } first)
        {
            return first;
        }

        // From here the money path runs to its end, whatever the caller does: no cancellation token below.
        var wallet = LedgerAccountRef.Wallet(userId);
        var transaction = new LedgerTransaction { Id = Guid.CreateVersion7(), Type = TransactionType.Adjustment, Amount = amount, InitiatorId = adminId, Memo = reason, Reference = reference };
        await using var databaseTransaction = await ledger.BeginAsync(db, CancellationToken.None);
        var posted = await ledger.PostAsync(db, transaction, [new Posting(wallet, amount), new Posting(LedgerAccountRef.Adjustments, -amount, userId)], cancellationToken: CancellationToken.None);
        if (posted is not PostResult.Posted done)
        {
            metrics.Refused("adjustment");
            return MoneyRefusals.InsufficientFunds("The user's balance does not cover this debit.");
        }

        var response = new AdjustmentResponse(transaction.Id, userId, amount, done.BalanceAfter(wallet) ?? 0, reason, transaction.CreatedAt);
        audit.Add(db, "wallet.adjusted", "user", userId.ToString(), new { transactionId = transaction.Id, amount, reason });
        events.Raise(db, new WalletAdjusted(transaction.Id, userId, amount, reason, adminId));
        idempotency.Complete(db, StatusCodes.Status201Created, response);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException) when (reference is not null)
        {
            // The same form, sent twice at once: the unique reference let one adjustment in; answer with it.
            await databaseTransaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return await FirstAsync(reference, userId, amount, reason, CancellationToken.None) ?? throw new InvalidOperationException("The adjustment could not be saved.");
        }

        await databaseTransaction.CommitAsync(CancellationToken.None);
        metrics.CoinsAdjusted.Add(Math.Abs(amount));
        return new Adjusted(response, AlreadyMade: false);
    }

    /// <summary>The adjustment already made under <paramref name="reference"/>: the same one again, or a refusal when the key was used for other input.</summary>
    private async Task<Outcome<Adjusted>?> FirstAsync(string reference, Guid userId, long amount, string reason, CancellationToken cancellationToken)
    {
        var wallet = LedgerAccountRef.Wallet(userId).Id;
        var first = await db.Set<LedgerTransaction>().AsNoTracking().Where(t => t.Reference == reference)
            .Select(t => new
            {
                t.Id, t.Type, t.Amount, t.Memo, t.CreatedAt,
                Entry = db.Set<LedgerEntry>().Where(e => e.TransactionId == t.Id && e.AccountId == wallet).Select(e => new { e.BalanceAfter }).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (first is null)
        {
            return null;
        }

        if (first.Type != TransactionType.Adjustment || first.Amount != amount || first.Memo != reason || first.Entry is null)
        {
            return new Refusal(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused", "This form was already used for a different adjustment.");
        }

        return new Adjusted(new AdjustmentResponse(first.Id, userId, first.Amount, first.Entry.BalanceAfter ?? 0, first.Memo!, first.CreatedAt), AlreadyMade: true);
    }
}
