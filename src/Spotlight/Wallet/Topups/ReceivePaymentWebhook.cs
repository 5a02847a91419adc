using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Topups;

internal sealed record WebhookReceipt(bool Received, string Outcome);

/// <summary>
/// A payment provider's signed event: verified by the provider (signature, body shape, configuration), then applied by
/// <see cref="CreditTopup"/>; every outcome is counted.
/// </summary>
internal sealed class ReceivePaymentWebhook(IEnumerable<IPaymentProvider> providers, CreditTopup credit, WalletMetrics metrics, TimeProvider time, ILogger<ReceivePaymentWebhook> logger)
{
    public async Task<Outcome<WebhookReceipt>> HandleAsync(string provider, IHeaderDictionary headers, byte[] body, CancellationToken cancellationToken)
    {
        var handler = providers.FirstOrDefault(p => string.Equals(p.Name, provider, StringComparison.Ordinal));
        if (handler is null)
        {
            return Refusal.NotFound("No payment provider has this name.");
        }

        var now = time.GetUtcNow();
        switch (handler.Verify(headers, body, now))
        {
            case WebhookVerification.InvalidSignature invalid:
                metrics.WebhookEvents.Add(1, new("provider", handler.Name), new("outcome", "invalid_signature"));
                logger.LogWarning("Refused a {Provider} webhook: {Reason}", handler.Name, invalid.Reason);
                return new Refusal(StatusCodes.Status400BadRequest, "invalid_signature", invalid.Reason);
            case WebhookVerification.InvalidPayload invalid:
                metrics.WebhookEvents.Add(1, new("provider", handler.Name), new("outcome", "invalid_payload"));
                return new Refusal(StatusCodes.Status400BadRequest, "invalid_payload", invalid.Reason);
            case WebhookVerification.NotConfigured notConfigured:
                return new Refusal(StatusCodes.Status503ServiceUnavailable, "provider_not_configured", notConfigured.Reason);
            case WebhookVerification.Valid { Event: var evt }:
                var outcome = await credit.ApplyAsync(handler.Name, evt, now.UtcDateTime);
                metrics.WebhookEvents.Add(1, new("provider", handler.Name), new("outcome", outcome));
                return new WebhookReceipt(true, outcome);
            default:
                throw new InvalidOperationException("Unknown verification result.");
        }
    }
}

/// <summary>
/// Applies one verified payment event. The event row (unique per provider and event id) and the credit commit together,
/// so a redelivered event finds its row and does nothing; the top-up moves from pending to succeeded with a conditional
/// update, so two events claiming one top-up credit it once.
/// </summary>
internal sealed class CreditTopup(SpotlightDb db, LedgerWriter ledger, AuditLog audit, DomainEvents events, WalletMetrics metrics)
{
    /// <summary>The outcome: <c>credited</c>, <c>already_credited</c>, <c>duplicate_event</c>, <c>unknown_topup</c>, <c>amount_mismatch</c> or <c>ignored</c>.</summary>
    public async Task<string> ApplyAsync(string provider, PaymentWebhookEvent evt, DateTime now)
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

        var outcome = await CreditAsync(provider, evt, now);
        await db.Set<PaymentEvent>().Where(e => e.Id == recordId).ExecuteUpdateAsync(s => s.SetProperty(e => e.Outcome, outcome));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        if (outcome == "credited")
        {
            metrics.CoinsToppedUp.Add(await db.Set<Topup>().Where(t => t.Id == evt.TopupId).Select(t => t.Coins).FirstAsync());
        }

        return outcome;
    }

    private async Task<string> CreditAsync(string provider, PaymentWebhookEvent evt, DateTime now)
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
