using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Http;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Topups;

public sealed record TopupPackage(string Id, long Coins, long Price, string Currency);

public sealed record CreateTopupRequest(string? PackageId);

public sealed record TopupResponse(Guid Id, string Status, long Amount, string Provider, string? CheckoutUrl, long Price, string Currency, DateTime CreatedAt, DateTime? CreditedAt)
{
    public static TopupResponse From(Topup t) => new(t.Id, t.Status, t.Coins, t.Provider, t.CheckoutUrl, t.Price, t.Currency, t.CreatedAt, t.CreditedAt);
}

public sealed record WebhookReceipt(bool Received, string Outcome);

internal static class TopupsApi
{
    public static Ok<IReadOnlyList<TopupPackage>> Packages(WalletOptions options) =>
        TypedResults.Ok<IReadOnlyList<TopupPackage>>(options.TopupPackages
            .Select(p => new TopupPackage(p.Key, p.Value.Coins, p.Value.Price, p.Value.Currency))
            .OrderBy(p => p.Coins).ThenBy(p => p.Id, StringComparer.Ordinal).ToList());

    public static async Task<Results<Created<TopupResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateTopupRequest request, ClaimsPrincipal caller, SpotlightDb db, WalletOptions options, IEnumerable<IPaymentProvider> providers,
        AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.PackageId) || !options.TopupPackages.TryGetValue(request.PackageId, out var package))
        {
            return ApiProblem.Validation("packageId", "Use the id of one of GET /api/v1/wallet/topup-packages.");
        }

        var provider = providers.FirstOrDefault(p => p.Name == options.TopupProvider);
        if (provider is not { IsAvailable: true })
        {
            return ApiProblem.Create(503, "provider_not_configured", $"The payment provider '{options.TopupProvider}' is not available.");
        }

        var topup = new Topup
        {
            Id = Guid.CreateVersion7(), UserId = caller.UserId(), PackageId = request.PackageId, Coins = package.Coins, Price = package.Price,
            Currency = package.Currency, Provider = provider.Name, Status = TopupStatus.Pending, CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        try
        {
            topup.CheckoutUrl = await provider.CreateCheckoutAsync(topup, cancellationToken);
        }
        catch (HttpRequestException)
        {
            // Nothing was saved: the client may simply try again.
            return ApiProblem.Create(502, "provider_unavailable", $"The payment provider '{provider.Name}' did not answer. Try again shortly.");
        }

        db.Add(topup);
        audit.Add(db, "wallet.topup_created", "topup", topup.Id.ToString(), new { topup.PackageId, topup.Coins, topup.Provider });
        await db.SaveChangesAsync(CancellationToken.None);
        return TypedResults.Created($"/api/v1/wallet/topups/{topup.Id}", TopupResponse.From(topup));
    }

    public static async Task<Results<Ok<TopupResponse>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal caller, SpotlightDb db)
    {
        var me = caller.UserId();
        var topup = await db.Set<Topup>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == id && t.UserId == me);
        return topup is null ? ApiProblem.NotFound("You have no top-up with this id.") : TypedResults.Ok(TopupResponse.From(topup));
    }

    /// <summary>
    /// A provider's signed event. The event row (unique per provider and event id) and the credit commit together, so a
    /// redelivered event finds its row and does nothing; the top-up moves from pending to succeeded with a conditional
    /// update, so two events claiming one top-up credit it once.
    /// </summary>
    public static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> Webhook(
        string provider, HttpRequest request, SpotlightDb db, IEnumerable<IPaymentProvider> providers, LedgerWriter ledger, AuditLog audit,
        DomainEvents events, WalletMetrics metrics, TimeProvider time, ILogger<WebhookReceipt> logger)
    {
        var handler = providers.FirstOrDefault(p => string.Equals(p.Name, provider, StringComparison.Ordinal));
        if (handler is null)
        {
            return ApiProblem.NotFound("No payment provider has this name.");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var now = time.GetUtcNow();
        switch (handler.Verify(request.Headers, body, now))
        {
            case WebhookVerification.InvalidSignature invalid:
                metrics.WebhookEvents.Add(1, new("provider", handler.Name), new("outcome", "invalid_signature"));
                logger.LogWarning("Refused a {Provider} webhook: {Reason}", handler.Name, invalid.Reason);
                return ApiProblem.Create(400, "invalid_signature", invalid.Reason);
            case WebhookVerification.InvalidPayload invalid:
                metrics.WebhookEvents.Add(1, new("provider", handler.Name), new("outcome", "invalid_payload"));
                return ApiProblem.Create(400, "invalid_payload", invalid.Reason);
            case WebhookVerification.NotConfigured notConfigured:
                return ApiProblem.Create(503, "provider_not_configured", notConfigured.Reason);
            case WebhookVerification.Valid { Event: var evt }:
                var outcome = await ApplyAsync(db, handler.Name, evt, now.UtcDateTime, ledger, audit, events, metrics);
                metrics.WebhookEvents.Add(1, new("provider", handler.Name), new("outcome", outcome));
                return TypedResults.Ok(new WebhookReceipt(true, outcome));
            default:
                throw new InvalidOperationException("Unknown verification result.");
        }
    }

    private static async Task<string> ApplyAsync(
        SpotlightDb db, string provider, PaymentWebhookEvent evt, DateTime now, LedgerWriter ledger, AuditLog audit, DomainEvents events, WalletMetrics metrics)
    {
        await using var transaction = await ledger.BeginAsync(db);
        var recordId = Guid.CreateVersion7();
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO payment_events ("Id", "Provider", "EventId", "Type", "TopupId", "Amount", "Outcome", "ReceivedAt")
            VALUES ({recordId}, {provider}, {evt.Id}, {evt.Type}, {evt.TopupId}, {evt.Amount}, {"received"}, {now})
            ON CONFLICT ("Provider", "EventId") DO NOTHING
            """);
        if (inserted == 0)
        {
            return "duplicate_event";
        }

        var outcome = await CreditAsync(db, provider, evt, now, ledger, audit, events);
        await db.Set<PaymentEvent>().Where(e => e.Id == recordId).ExecuteUpdateAsync(s => s.SetProperty(e => e.Outcome, outcome));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        if (outcome == "credited")
        {
            metrics.CoinsToppedUp.Add(await db.Set<Topup>().Where(t => t.Id == evt.TopupId).Select(t => t.Coins).FirstAsync());
        }

        return outcome;
    }

    private static async Task<string> CreditAsync(
        SpotlightDb db, string provider, PaymentWebhookEvent evt, DateTime now, LedgerWriter ledger, AuditLog audit, DomainEvents events)
    {
        if (evt.Type != PaymentWebhookEvent.TopupSucceeded)
        {
            return "ignored";
        }

        var topup = evt.TopupId is { } topupId ? await db.Set<Topup>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == topupId && t.Provider == provider) : null;
        if (topup is null)
        {
            return "unknown_topup";
        }

        if ((evt.Amount is { } amount && amount != topup.Coins)
            || (evt.Price is { } price && (price != topup.Price || !string.Equals(evt.Currency, topup.Currency, StringComparison.OrdinalIgnoreCase))))
        {
            // The provider says something else was paid than what was bought: an operator looks at it; nothing is credited.
            audit.Add(db, "wallet.topup_amount_mismatch", "topup", topup.Id.ToString(),
                new { expectedCoins = topup.Coins, expectedPrice = topup.Price, topup.Currency, evt.Amount, evt.Price, paidCurrency = evt.Currency, eventId = evt.Id }, actorId: topup.UserId);
            return "amount_mismatch";
        }

        var transactionId = Guid.CreateVersion7();
        var claimed = await db.Set<Topup>()
            .Where(t => t.Id == topup.Id && t.Status == TopupStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TopupStatus.Succeeded).SetProperty(t => t.CreditedAt, now).SetProperty(t => t.TransactionId, transactionId));
        if (claimed == 0)
        {
            return "already_credited";
        }

        var posted = await ledger.PostAsync(db, new LedgerTransaction
        {
            Id = transactionId, Type = TransactionType.Topup, Amount = topup.Coins, Reference = $"topup:{topup.Id}",
            Metadata = $$"""{"topupId":"{{topup.Id}}","provider":"{{provider}}"}""",
        }, [new Posting(LedgerAccountRef.TopupClearing(provider), -topup.Coins), new Posting(LedgerAccountRef.Wallet(topup.UserId), topup.Coins)]);
        if (posted is not PostResult.Posted)
        {
            throw new InvalidOperationException("A top-up credit cannot be refused.");
        }

        audit.Add(db, "wallet.topup_credited", "topup", topup.Id.ToString(), new { topup.Coins, provider, eventId = evt.Id, transactionId }, actorId: topup.UserId);
        events.Raise(db, new TopupCredited(topup.Id, topup.UserId, topup.Coins, provider, transactionId));
        return "credited";
    }
}
