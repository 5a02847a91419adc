using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Platform;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Http;
using Spotlight.Platform.Idempotency;
using Spotlight.Social;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Sales;

namespace Spotlight.Wallet.Gifts;

public sealed record CatalogGift(string Id, string Name, long Price);

public sealed record SendGiftRequest(Guid? RecipientId, string? GiftId, int? Quantity, Guid? LiveSessionId);

public sealed record GiftResponse(Guid TransactionId, long Amount, SplitParts Split, string GiftId, int Quantity, Guid RecipientId, long BalanceAfter);

internal static class GiftsApi
{
    public const int MaxQuantity = 999;

    public static Ok<IReadOnlyList<CatalogGift>> Catalog(WalletOptions options) =>
        TypedResults.Ok<IReadOnlyList<CatalogGift>>(options.Gifts
            .Select(g => new CatalogGift(g.Key, g.Value.Name, g.Value.Price))
            .OrderBy(g => g.Price).ThenBy(g => g.Id, StringComparer.Ordinal).ToList());

    /// <summary>
    /// Sells the gift to the sender (<see cref="CreatorSale"/>: the sender's wallet pays the creator's earnings, the
    /// platform's revenue and the processor's fees by the gift split, with the audit entry), in one transaction that also
    /// completes the idempotency key and raises <see cref="GiftSent"/>.
    /// </summary>
    public static async Task<Results<Created<GiftResponse>, ValidationProblem, ProblemHttpResult>> Send(
        SendGiftRequest request, ClaimsPrincipal caller, SpotlightDb db, WalletOptions options, IBlockList blocks, CreatorSale sale,
        IdempotencyContext idempotency, DomainEvents events)
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
            return errors.ToProblem();
        }

        var sender = caller.UserId();
        var recipient = request.RecipientId!.Value;
        if (recipient == sender)
        {
            return ApiProblem.Create(400, "cannot_gift_self", "You cannot send a gift to yourself.");
        }

        // One round trip: the recipient's roles and whether a block stands between the two (Social's query, composed in).
        var blockedEitherWay = blocks.BlockedEitherWay(sender);
        var target = await db.Users.Where(u => u.Id == recipient && u.BannedAt == null)
            .Select(u => new { u.Roles, Blocked = blockedEitherWay.Contains(u.Id) }).FirstOrDefaultAsync();
        if (target?.Roles is not { } roles)
        {
            return ApiProblem.NotFound("No user has this id.");
        }

        if (!roles.Split(',', StringSplitOptions.TrimEntries).Contains(Role.Creator, StringComparer.Ordinal))
        {
            return ApiProblem.Create(400, "recipient_not_creator", "Gifts can only be sent to creators.");
        }

        if (target.Blocked)
        {
            return MoneyProblems.Blocked("You cannot send gifts to this user.");
        }

        var amount = checked(gift!.Price * quantity);
        await using var databaseTransaction = await sale.BeginAsync(db);
        var charged = await sale.ChargeAsync(db, new SaleOrder(SaleKind.Gift, sender, recipient, amount,
            Metadata: new { giftId = request.GiftId, quantity, recipientId = recipient, liveSessionId = request.LiveSessionId },
            AuditDetails: new { recipientId = recipient, giftId = request.GiftId, quantity, amount }));
        if (charged.Value is not { } receipt)
        {
            return charged.Refusal!.ToProblem();
        }

        var response = new GiftResponse(receipt.TransactionId, amount, receipt.Split, request.GiftId!, quantity, recipient, receipt.BuyerBalanceAfter);
        events.Raise(db, new GiftSent(receipt.TransactionId, sender, recipient, request.GiftId!, gift.Name, quantity, amount, receipt.Split.Creator, request.LiveSessionId, receipt.At));
        idempotency.Complete(db, StatusCodes.Status201Created, response);
        await db.SaveChangesAsync();
        await databaseTransaction.CommitAsync();
        sale.Completed(receipt);
        return TypedResults.Created($"/api/v1/wallet/transactions/{receipt.TransactionId}", response);
    }
}
