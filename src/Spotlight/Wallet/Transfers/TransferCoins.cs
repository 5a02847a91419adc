using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Idempotency;
using Spotlight.Wallet.History;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Transfers;

internal sealed record TransferRequest(Guid? ToUserId, long? Amount, string? Note);

/// <summary>
/// Moves coins from the sender's wallet to another user's wallet, with the audit entry, <see cref="CoinsTransferred"/> and
/// the idempotency key in the same transaction; deadlock-free because the ledger locks accounts in id order.
/// </summary>
internal sealed class TransferCoins(
    SpotlightDb db, Counterparties counterparties, LedgerWriter ledger, IdempotencyContext idempotency, AuditLog audit, DomainEvents events, WalletMetrics metrics)
{
    public const int MaxNoteLength = 200;

    public async Task<Outcome<TransactionLine>> HandleAsync(Guid senderId, TransferRequest request, CancellationToken cancellationToken)
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
            return errors.ToRefusal();
        }

        var to = request.ToUserId!.Value;
        var amount = request.Amount!.Value;
        if (to == senderId)
        {
            return new Refusal(StatusCodes.Status400BadRequest, "cannot_transfer_to_self", "You cannot transfer coins to yourself.");
        }

        // One round trip: the recipient exists (not banned) and whether a block stands between the two.
        var standing = await counterparties.StandingAsync(senderId, to, cancellationToken);
        if (standing is null)
        {
            return Refusal.NotFound("No user has this id.");
        }

        if (standing.Blocked)
        {
            return MoneyRefusals.Blocked("You cannot transfer coins to this user.");
        }

        // From here the money path runs to its end, whatever the caller does: no cancellation token below.
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        var transaction = new LedgerTransaction { Id = Guid.CreateVersion7(), Type = TransactionType.Transfer, Amount = amount, InitiatorId = senderId, Memo = note };
        var fromWallet = LedgerAccountRef.Wallet(senderId);
        await using var databaseTransaction = await ledger.BeginAsync(db, CancellationToken.None);
        var posted = await ledger.PostAsync(db, transaction, [new Posting(fromWallet, -amount, to), new Posting(LedgerAccountRef.Wallet(to), amount, senderId)], cancellationToken: CancellationToken.None);
        if (posted is not PostResult.Posted done)
        {
            metrics.Refused("transfer");
            return MoneyRefusals.InsufficientFunds();
        }

        var line = new TransactionLine(transaction.Id, transaction.Type, -amount, done.BalanceAfter(fromWallet), to, transaction.CreatedAt, note, null);
        audit.Add(db, "wallet.transfer", "transaction", transaction.Id.ToString(), new { toUserId = to, amount });
        events.Raise(db, new CoinsTransferred(transaction.Id, senderId, to, amount, note, transaction.CreatedAt));
        idempotency.Complete(db, StatusCodes.Status201Created, line);
        await db.SaveChangesAsync(CancellationToken.None);
        await databaseTransaction.CommitAsync(CancellationToken.None);
        metrics.CoinsTransferred.Add(amount);
        return line;
    }
}
