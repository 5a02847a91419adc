using System.Diagnostics.Metrics;

namespace Spotlight.Wallet;

/// <summary>Counters of coins moved and refusals, and the reconciliation gauge (meter <c>Spotlight.Wallet</c>).</summary>
public sealed class WalletMetrics
{
    private int _unbalanced;

    public WalletMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create("Spotlight.Wallet");
        CoinsToppedUp = meter.CreateCounter<long>("spotlight_wallet_coins_topped_up_total", description: "Coins credited by top-ups.");
        CoinsGifted = meter.CreateCounter<long>("spotlight_wallet_coins_gifted_total", description: "Coins spent on gifts.");
        CoinsTransferred = meter.CreateCounter<long>("spotlight_wallet_coins_transferred_total", description: "Coins moved by transfers between users.");
        CoinsUnlocked = meter.CreateCounter<long>("spotlight_wallet_coins_unlocked_total", description: "Coins spent on unlocking premium posts.");
        CoinsSubscribed = meter.CreateCounter<long>("spotlight_wallet_coins_subscribed_total", description: "Coins charged for creator subscriptions (first periods and renewals).");
        CoinsPaidOut = meter.CreateCounter<long>("spotlight_wallet_coins_paid_out_total", description: "Coins paid out to creators.");
        CoinsAdjusted = meter.CreateCounter<long>("spotlight_wallet_coins_adjusted_total", description: "Coins moved by admin adjustments and reversals (absolute).");
        InsufficientFunds = meter.CreateCounter<long>("spotlight_wallet_insufficient_funds_total", description: "Money operations refused for insufficient funds, by operation.");
        WebhookEvents = meter.CreateCounter<long>("spotlight_wallet_webhook_events_total", description: "Payment webhook deliveries, by provider and outcome.");
        meter.CreateObservableGauge("spotlight_ledger_unbalanced", () => Volatile.Read(ref _unbalanced),
            description: "1 when the last reconciliation found a mismatch, else 0.");
    }

    public Counter<long> CoinsToppedUp { get; }

    public Counter<long> CoinsGifted { get; }

    public Counter<long> CoinsTransferred { get; }

    public Counter<long> CoinsUnlocked { get; }

    public Counter<long> CoinsSubscribed { get; }

    public Counter<long> CoinsPaidOut { get; }

    public Counter<long> CoinsAdjusted { get; }

    public Counter<long> InsufficientFunds { get; }

    public Counter<long> WebhookEvents { get; }

    public void Refused(string operation) => InsufficientFunds.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void SetUnbalanced(bool unbalanced) => Volatile.Write(ref _unbalanced, unbalanced ? 1 : 0);
}
