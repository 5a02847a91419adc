using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Http;
using Spotlight.Platform.Idempotency;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Reconciliation;
using Spotlight.Wallet.Topups;

namespace Spotlight.Wallet.Administration;

public sealed record AdjustmentRequest(long? Amount, string? Reason);

public sealed record AdjustmentResponse(Guid TransactionId, Guid UserId, long Amount, long BalanceAfter, string Reason, DateTime CreatedAt);

public sealed record ReverseRequest(string? Reason, bool? AllowNegative);

public sealed record ReversalResponse(Guid TransactionId, Guid ReversedTransactionId, string Type, long Amount, bool AllowNegative, DateTime CreatedAt);

/// <summary>Admin money operations: adjustments, reversals, reconciliation. Every one is audited.</summary>
internal static class WalletAdminApi
{
    /// <summary>Credits (amount &gt; 0) or debits (amount &lt; 0) a user's wallet against the platform's <c>adjustments</c> account.</summary>
    public static async Task<Results<Created<AdjustmentResponse>, ValidationProblem, ProblemHttpResult>> Adjust(
        Guid userId, AdjustmentRequest request, ClaimsPrincipal caller, SpotlightDb db, LedgerWriter ledger, IdempotencyContext idempotency,
        AuditLog audit, DomainEvents events, WalletMetrics metrics)
    {
        var errors = new FieldErrors().Required("reason", request.Reason).MaxLength("reason", request.Reason?.Trim(), 500);
        var amount = request.Amount ?? 0;
        if (amount == 0 || amount is > 1_000_000_000 or < -1_000_000_000)
        {
            errors.Add("amount", "A whole number of coins other than 0: positive credits the wallet, negative debits it (at most 1,000,000,000 either way).");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (!await db.Users.AnyAsync(u => u.Id == userId))
        {
            return ApiProblem.NotFound("No user has this id.");
        }

        var admin = caller.UserId();
        var reason = request.Reason!.Trim();
        var wallet = LedgerAccountRef.Wallet(userId);
        var transaction = new LedgerTransaction { Id = Guid.CreateVersion7(), Type = TransactionType.Adjustment, Amount = amount, InitiatorId = admin, Memo = reason };
        await using var databaseTransaction = await ledger.BeginAsync(db);
        var posted = await ledger.PostAsync(db, transaction, [new Posting(wallet, amount), new Posting(LedgerAccountRef.Adjustments, -amount, userId)]);
        if (posted is not PostResult.Posted done)
        {
            metrics.Refused("adjustment");
            return MoneyProblems.InsufficientFunds("The user's balance does not cover this debit.");
        }

        var response = new AdjustmentResponse(transaction.Id, userId, amount, done.BalanceAfter(wallet) ?? 0, reason, transaction.CreatedAt);
        audit.Add(db, "wallet.adjusted", "user", userId.ToString(), new { transactionId = transaction.Id, amount, reason });
        events.Raise(db, new WalletAdjusted(transaction.Id, userId, amount, reason, admin));
        idempotency.Complete(db, StatusCodes.Status201Created, response);
        await db.SaveChangesAsync();
        await databaseTransaction.CommitAsync();
        metrics.CoinsAdjusted.Add(Math.Abs(amount));
        return TypedResults.Created($"/api/v1/wallet/transactions/{transaction.Id}", response);
    }

    /// <summary>
    /// Undoes a transaction with opposite entries, once (the unique <c>ReversesId</c> settles a race). A reversal that
    /// would take a user balance below zero is refused unless <c>allowNegative</c> is set, which is then recorded.
    /// </summary>
    public static async Task<Results<Created<ReversalResponse>, ValidationProblem, ProblemHttpResult>> Reverse(
        Guid id, ReverseRequest? request, ClaimsPrincipal caller, SpotlightDb db, LedgerWriter ledger, AuditLog audit, DomainEvents events, WalletMetrics metrics)
    {
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? null : request.Reason.Trim();
        if (reason is { Length: > 500 })
        {
            return ApiProblem.Validation("reason", "At most 500 characters.");
        }

        var allowNegative = request?.AllowNegative ?? false;
        var original = await db.Set<LedgerTransaction>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == id);
        if (original is null)
        {
            return ApiProblem.NotFound("No transaction has this id.");
        }

        if (!TransactionType.IsReversible(original.Type))
        {
            return ApiProblem.Conflict("not_reversible", $"A {original.Type} transaction cannot be reversed (reject a payout instead; a reversal is not reversed).");
        }

        if (await db.Set<LedgerTransaction>().AnyAsync(t => t.ReversesId == id))
        {
            return AlreadyReversed();
        }

        var entries = await db.Set<LedgerEntry>().AsNoTracking().Where(e => e.TransactionId == id)
            .Join(db.Set<LedgerAccount>(), e => e.AccountId, a => a.Id, (e, a) => new { e.Amount, e.CounterpartyId, a.Id, a.Kind, a.OwnerId, a.Key })
            .ToListAsync();
        var admin = caller.UserId();
        var reversal = new LedgerTransaction
        {
            Id = Guid.CreateVersion7(), Type = TransactionType.Reversal, Amount = original.Amount, InitiatorId = admin, ReversesId = id, Memo = reason,
            Metadata = JsonSerializer.Serialize(new { reversedType = original.Type, allowNegative }),
        };
        await using var transaction = await ledger.BeginAsync(db);
        var posted = await ledger.PostAsync(db, reversal,
            entries.Select(e => new Posting(new LedgerAccountRef(e.Id, e.Kind, e.OwnerId, e.Key), -e.Amount, e.CounterpartyId)), allowNegative);
        if (posted is PostResult.InsufficientFunds refused)
        {
            return ApiProblem.Conflict("negative_balance",
                $"Reversing this transaction would take the balance of {refused.Account.Key} below zero. Send allowNegative: true to reverse it anyway.");
        }

        if (original.Type == TransactionType.Topup)
        {
            // A refunded top-up no longer counts toward what its clearing account should hold.
            await db.Set<Topup>().Where(t => t.TransactionId == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, "refunded"));
        }

        audit.Add(db, "wallet.transaction_reversed", "transaction", id.ToString(), new { reversalId = reversal.Id, original.Type, original.Amount, reason, allowNegative });
        events.Raise(db, new TransactionReversed(reversal.Id, id, admin));
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            await transaction.RollbackAsync();
            db.ChangeTracker.Clear();
            return AlreadyReversed();
        }

        await transaction.CommitAsync();
        metrics.CoinsAdjusted.Add(original.Amount);
        return TypedResults.Created($"/api/v1/wallet/transactions/{reversal.Id}", new ReversalResponse(reversal.Id, id, original.Type, original.Amount, allowNegative, reversal.CreatedAt));
    }

    public static async Task<Ok<ReconciliationReport>> Reconcile(SpotlightDb db, LedgerReconciler reconciler, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reconciler.RunAsync(db, cancellationToken));

    private static ProblemHttpResult AlreadyReversed() => ApiProblem.Conflict("already_reversed", "This transaction has already been reversed.");
}
