using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Http;

namespace Spotlight.Wallet.Topups;

/// <summary>The top-up endpoints and the providers' webhook, thin adapters over <see cref="StartTopup"/>, <see cref="ReceivePaymentWebhook"/> and <see cref="TopupReads"/>.</summary>
internal static class TopupEndpoints
{
    public static Ok<IReadOnlyList<TopupPackage>> Packages(TopupReads reads) => TypedResults.Ok(reads.Packages());

    public static async Task<Results<Created<TopupResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateTopupRequest request, ClaimsPrincipal caller, StartTopup start, CancellationToken cancellationToken) =>
        WalletHttp.Created(await start.HandleAsync(caller.UserId(), request, cancellationToken), t => $"/api/v1/wallet/topups/{t.Id}");

    public static async Task<Results<Ok<TopupResponse>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal caller, TopupReads reads) =>
        WalletHttp.Found(await reads.GetAsync(caller.UserId(), id));

    public static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> Webhook(string provider, HttpRequest request, ReceivePaymentWebhook receive)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return WalletHttp.Found(await receive.HandleAsync(provider, request.Headers, buffer.ToArray(), CancellationToken.None));
    }
}
