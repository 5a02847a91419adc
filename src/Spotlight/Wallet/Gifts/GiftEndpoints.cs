using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Http;

namespace Spotlight.Wallet.Gifts;

internal sealed record CatalogGift(string Id, string Name, long Price);

/// <summary>The gift endpoints: the catalog (configuration) and <see cref="SendGift"/>.</summary>
internal static class GiftEndpoints
{
    public static Ok<IReadOnlyList<CatalogGift>> Catalog(WalletOptions options) =>
        TypedResults.Ok<IReadOnlyList<CatalogGift>>(options.Gifts
            .Select(g => new CatalogGift(g.Key, g.Value.Name, g.Value.Price))
            .OrderBy(g => g.Price).ThenBy(g => g.Id, StringComparer.Ordinal).ToList());

    public static async Task<Results<Created<GiftResponse>, ValidationProblem, ProblemHttpResult>> Send(
        SendGiftRequest request, ClaimsPrincipal caller, SendGift send, CancellationToken cancellationToken) =>
        WalletHttp.Created(await send.HandleAsync(caller.UserId(), request, cancellationToken), r => $"/api/v1/wallet/transactions/{r.TransactionId}");
}
