using Microsoft.Extensions.Options;

namespace Spotlight.Wallet.Ledger;

/// <summary>The kinds of sale that are split between creator, platform and processor.</summary>
public enum SaleKind
{
    Gift,
    Subscription,
    PremiumUnlock,
}

/// <summary>
/// The split percentages in force, read at every sale. The wallet's own answer is <c>Wallet:Splits</c> from configuration
/// (validated at start-up); the admin console replaces it with the splits saved on its settings page, falling back to
/// that configuration, so a change there applies on every node without a restart. <see cref="RevenueSplit.Compute"/>
/// stays the one place a split is computed.
/// </summary>
public interface IRevenueSplits
{
    /// <summary>Three non-negative percentages that sum to 100.</summary>
    SplitPercentages Percentages(SaleKind kind);
}

/// <summary>
/// The splits of <c>Wallet:Splits</c> as configured now (<c>IOptionsMonitor</c>; a split saved in the admin console is
/// configuration too, and was checked to add up to 100 % before it was saved). A kind whose parts no longer add up
/// (configuration changed under a partly saved split) uses its split validated at start-up whole, so a sale is never
/// split wrongly.
/// </summary>
public sealed class ConfiguredRevenueSplits(IOptionsMonitor<SplitsOptions> monitor, WalletOptions startup) : IRevenueSplits
{
    public SplitPercentages Percentages(SaleKind kind)
    {
        var current = Configured(monitor.CurrentValue, kind);
        return current is { Creator: >= 0, Platform: >= 0, Processor: >= 0 } && current.Creator + current.Platform + current.Processor == 100
            ? current
            : Configured(startup.Splits, kind);
    }

    public static SplitPercentages Configured(SplitsOptions splits, SaleKind kind)
    {
        ArgumentNullException.ThrowIfNull(splits);
        return kind switch
        {
            SaleKind.Gift => splits.Gift,
            SaleKind.Subscription => splits.Subscription,
            SaleKind.PremiumUnlock => splits.PremiumUnlock,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of sale."),
        };
    }
}
