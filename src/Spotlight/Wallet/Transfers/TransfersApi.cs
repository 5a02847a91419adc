using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Http;
using Spotlight.Platform.Idempotency;
using Spotlight.Social;
using Spotlight.Wallet.History;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Transfers;

public sealed record TransferRequest(Guid? ToUserId, long? Amount, string? Note);

internal static class TransfersApi
{
    public const int MaxNoteLength = 200;

    /// <summary>Moves coins from the caller's wallet to another user's wallet; deadlock-free because the ledger locks accounts in id order.</summary>
    public static async Task<Results<Created<TransactionLine>, ValidationProblem, ProblemHttpResult>> Transfer(
        TransferRequest request, ClaimsPrincipal caller, SpotlightDb db, IBlockList blocks, LedgerWriter ledger, IdempotencyContext idempotency,
        AuditLog audit, DomainEvents events, WalletMetrics metrics)
    {
        var errors = new FieldErrors();
        if (request.ToUserId is null)
        {
            errors.Add("toUserId", "This field is required.");
        }

        if (request.Amount is not >= 1)
        {
            errors.Add("amount", "A whole number of coins, at least 1.");
        }

        errors.MaxLength("note", request.Note, MaxNoteLength);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var from = caller.UserId();
        var to = request.ToUserId!.Value;
        var amount = request.Amount!.Value;
        if (to == from)
        {
            return ApiProblem.Create(400, "cannot_transfer_to_self", "You cannot transfer coins to yourself.");
        }

        // One round trip: the recipient exists and whether a block stands between the two (Social's query, composed in).
        var blockedEitherWay = blocks.BlockedEitherWay(from);
        var blocked = await db.Users.Where(u => u.Id == to && u.BannedAt == null).Select(u => (bool?)blockedEitherWay.Contains(u.Id)).FirstOrDefaultAsync();
        if (blocked is null)
        {
            return ApiProblem.NotFound("No user has this id.");
        }

        if (blocked.Value)
        {
            return MoneyProblems.Blocked("You cannot transfer coins to this user.");
        }

        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        var transaction = new LedgerTransaction { Id = Guid.CreateVersion7(), Type = TransactionType.Transfer, Amount = amount, InitiatorId = from, Memo = note };
        var fromWallet = LedgerAccountRef.Wallet(from);
        await using var databaseTransaction = await ledger.BeginAsync(db);
        var posted = await ledger.PostAsync(db, transaction, [new Posting(fromWallet, -amount, to), new Posting(LedgerAccountRef.Wallet(to), amount, from)]);
        if (posted is not PostResult.Posted done)
        {
            metrics.Refused("transfer");
            return MoneyProblems.InsufficientFunds();
        }

        var line = new TransactionLine(transaction.Id, transaction.Type, -amount, done.BalanceAfter(fromWallet), to, transaction.CreatedAt, note, null);
        audit.Add(db, "wallet.transfer", "transaction", transaction.Id.ToString(), new { toUserId = to, amount });
        events.Raise(db, new CoinsTransferred(transaction.Id, from, to, amount, note, transaction.CreatedAt));
        idempotency.Complete(db, StatusCodes.Status201Created, line);
        await db.SaveChangesAsync();
        await databaseTransaction.CommitAsync();
        metrics.CoinsTransferred.Add(amount);
        return TypedResults.Created($"/api/v1/wallet/transactions/{transaction.Id}", line);
    }
}
