using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Idempotency;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Sales;

namespace Spotlight.Wallet.Gifts;

internal sealed record SendGiftRequest(Guid? RecipientId, string? GiftId, int? Quantity, Guid? LiveSessionId);

internal sealed record GiftResponse(Guid TransactionId, long Amount, SplitParts Split, string GiftId, int Quantity, Guid RecipientId, long BalanceAfter);

/// <summary>
/// Sells a gift to its sender (<see cref="CreatorSale"/>: the sender's wallet pays the creator's earnings, the platform's
/// revenue and the processor's fees by the gift split, with the audit entry), in one transaction that also completes the
/// idempotency key, raises <see cref="GiftSent"/> and, for a gift in a live, stages its <c>gift</c> event.
/// </summary>
internal sealed class SendGift(
    SpotlightDb db, WalletOptions options, Counterparties counterparties, CreatorSale sale, IdempotencyContext idempotency, DomainEvents events, LiveGiftBroadcaster live)
{
    public const int MaxQuantity = 999;

    public async Task<Outcome<GiftResponse>> HandleAsync(Guid senderId, SendGiftRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (request.RecipientId is null)
        {
            errors.Add("recipientId", "This field is required.");
        }

        GiftOptions? gift = null;
        if (string.IsNullOrWhiteSpace(request.GiftId) || !options.Gifts.TryGetValue(request.GiftId, out gift))
        {
            errors.Add("giftId", "Use the id of a gift in GET /api/v1/gifts/catalog.");
        }

        var quantity = request.Quantity ?? 1;
        if (quantity is < 1 or > MaxQuantity)
        {
            errors.Add("quantity", $"From 1 to {MaxQuantity}.");
        }

        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        var recipient = request.RecipientId!.Value;
        if (recipient == senderId)
        {
            return new Refusal(StatusCodes.Status400BadRequest, "cannot_gift_self", "You cannot send a gift to yourself.");
        }

        // One round trip: the recipient's standing and whether a block stands between the two.
        var standing = await counterparties.StandingAsync(senderId, recipient, cancellationToken);
        if (standing is null)
        {
            return Refusal.NotFound("No user has this id.");
        }

        if (!standing.IsCreator)
        {
            return new Refusal(StatusCodes.Status400BadRequest, "recipient_not_creator", "Gifts can only be sent to creators.");
        }

        if (standing.Blocked)
        {
            return MoneyRefusals.Blocked("You cannot send gifts to this user.");
        }

        // From here the money path runs to its end, whatever the caller does: no cancellation token below.
        var amount = checked(gift!.Price * quantity);
        await using var databaseTransaction = await sale.BeginAsync(db, CancellationToken.None);
        var charged = await sale.ChargeAsync(db, new SaleOrder(SaleKind.Gift, senderId, recipient, amount,
            Metadata: new { giftId = request.GiftId, quantity, recipientId = recipient, liveSessionId = request.LiveSessionId },
            AuditDetails: new { recipientId = recipient, giftId = request.GiftId, quantity, amount }), CancellationToken.None);
        if (charged.Value is not { } receipt)
        {
            return charged.Refusal!;
        }

        var response = new GiftResponse(receipt.TransactionId, amount, receipt.Split, request.GiftId!, quantity, recipient, receipt.BuyerBalanceAfter);
        var sent = new GiftSent(receipt.TransactionId, senderId, recipient, request.GiftId!, gift.Name, quantity, amount, receipt.Split.Creator, request.LiveSessionId, receipt.At);
        events.Raise(db, sent);
        await live.StageAsync(db, sent, CancellationToken.None);
        idempotency.Complete(db, StatusCodes.Status201Created, response);
        await db.SaveChangesAsync(CancellationToken.None);
        await databaseTransaction.CommitAsync(CancellationToken.None);
        sale.Completed(receipt);
        return response;
    }
}
