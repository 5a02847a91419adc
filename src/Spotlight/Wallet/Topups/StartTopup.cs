using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Idempotency;

namespace Spotlight.Wallet.Topups;

internal sealed record TopupPackage(string Id, long Coins, long Price, string Currency);

internal sealed record CreateTopupRequest(string? PackageId);

internal sealed record TopupResponse(Guid Id, string Status, long Amount, string Provider, string? CheckoutUrl, long Price, string Currency, DateTime CreatedAt, DateTime? CreditedAt)
{
    public static TopupResponse From(Topup t) => new(t.Id, t.Status, t.Coins, t.Provider, t.CheckoutUrl, t.Price, t.Currency, t.CreatedAt, t.CreditedAt);
}

/// <summary>
/// A user starts buying a package: a pending top-up with the provider's checkout, credited later when the provider
/// confirms payment (<see cref="ReceivePaymentWebhook"/>). Nothing is saved when the provider does not answer.
/// </summary>
internal sealed class StartTopup(
    SpotlightDb db, WalletOptions options, IEnumerable<IPaymentProvider> providers, AuditLog audit, IdempotencyContext idempotency, TimeProvider time)
{
    public async Task<Outcome<TopupResponse>> HandleAsync(Guid userId, CreateTopupRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.PackageId) || !options.TopupPackages.TryGetValue(request.PackageId, out var package))
        {
            return Refusal.Invalid("packageId", "Use the id of one of GET /api/v1/wallet/topup-packages.");
        }

        var provider = providers.FirstOrDefault(p => p.Name == options.TopupProvider);
        if (provider is not { IsAvailable: true })
        {
            return new Refusal(StatusCodes.Status503ServiceUnavailable, "provider_not_configured", $"The payment provider '{options.TopupProvider}' is not available.");
        }

        var topup = new Topup
        {
            Id = Guid.CreateVersion7(), UserId = userId, PackageId = request.PackageId, Coins = package.Coins, Price = package.Price,
            Currency = package.Currency, Provider = provider.Name, Status = TopupStatus.Pending, CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        try
        {
            topup.CheckoutUrl = await provider.CreateCheckoutAsync(topup, cancellationToken);
        }
        catch (HttpRequestException)
        {
            // Nothing was saved: the client may simply try again.
            return new Refusal(StatusCodes.Status502BadGateway, "provider_unavailable", $"The payment provider '{provider.Name}' did not answer. Try again shortly.");
        }

        db.Add(topup);
        audit.Add(db, "wallet.topup_created", "topup", topup.Id.ToString(), new { topup.PackageId, topup.Coins, topup.Provider });
        var response = TopupResponse.From(topup);
        // With an Idempotency-Key, a retry gets this top-up (and its checkout) back instead of starting a second one.
        idempotency.Complete(db, StatusCodes.Status201Created, response);
        await db.SaveChangesAsync(CancellationToken.None);
        return response;
    }
}
