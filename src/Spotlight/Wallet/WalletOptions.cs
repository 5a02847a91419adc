using Spotlight.Platform;

namespace Spotlight.Wallet;

/// <summary>The <c>Wallet</c> section: splits, catalogs, limits and schedules. Validated at start-up (<see cref="WalletOptionsValidation.Problems"/>).</summary>
public sealed class WalletOptions
{
    public const string Section = "Wallet";

    public SplitsOptions Splits { get; set; } = new();

    /// <summary>What a user can buy: <c>Wallet:TopupPackages:{id}</c> = { Coins, Price, Currency }.</summary>
    public Dictionary<string, TopupPackageOptions> TopupPackages { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The gift catalog: <c>Wallet:Gifts:{id}</c> = { Name, Price }.</summary>
    public Dictionary<string, GiftOptions> Gifts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The payment provider new top-ups go through (<c>sandbox</c> by default).</summary>
    public string TopupProvider { get; set; } = "sandbox";

    public int MaxTransferAmount { get; set; } = 1_000_000;

    /// <summary>The smallest payout a creator may request, in coins.</summary>
    public long MinimumPayout { get; set; } = 100;

    /// <summary>Days a past-due subscription keeps being retried before it expires.</summary>
    public int SubscriptionGraceDays { get; set; } = 3;

    /// <summary>How often the renewal job looks for due subscriptions.</summary>
    public double RenewalIntervalSeconds { get; set; } = 60;

    /// <summary>How often the scheduled reconciliation runs.</summary>
    public double ReconciliationIntervalMinutes { get; set; } = 60;
}

/// <summary>Percentages (creator / platform / processor) per kind of sale; each must sum to 100.</summary>
public sealed class SplitsOptions
{
    public SplitPercentages Gift { get; set; } = new() { Creator = 85, Platform = 10, Processor = 5 };

    public SplitPercentages Subscription { get; set; } = new() { Creator = 70, Platform = 25, Processor = 5 };

    public SplitPercentages PremiumUnlock { get; set; } = new() { Creator = 80, Platform = 15, Processor = 5 };
}

public sealed class SplitPercentages
{
    public int Creator { get; set; }

    public int Platform { get; set; }

    public int Processor { get; set; }
}

public sealed class TopupPackageOptions
{
    public long Coins { get; set; }

    /// <summary>In the fiat currency's minor units (cents).</summary>
    public long Price { get; set; }

    public string Currency { get; set; } = "usd";
}

public sealed class GiftOptions
{
    public string Name { get; set; } = "";

    public long Price { get; set; }
}

/// <summary>Refuses to start on settings that would lose or invent money (a split that is not 100 %, a free gift) or sell nothing (an empty catalog).</summary>
internal static class WalletOptionsValidation
{
    /// <summary>One sentence listing every problem, each naming its setting; nothing when the settings are usable.</summary>
    public static IEnumerable<string> Problems(WalletOptions options)
    {
        var problems = new List<string>();
        CheckSplit(problems, "Gift", options.Splits.Gift);
        CheckSplit(problems, "Subscription", options.Splits.Subscription);
        CheckSplit(problems, "PremiumUnlock", options.Splits.PremiumUnlock);
        // Without them the server would run and sell nothing, silently (the settings file not found, a section misspelt).
        if (options.Gifts.Count == 0)
        {
            problems.Add("Wallet:Gifts is empty: the gift catalog needs at least one gift (Wallet:Gifts:{id} = { Name, Price }); check that appsettings.json was found.");
        }

        if (options.TopupPackages.Count == 0)
        {
            problems.Add("Wallet:TopupPackages is empty: at least one package is needed (Wallet:TopupPackages:{id} = { Coins, Price, Currency }); check that appsettings.json was found.");
        }

        foreach (var (id, package) in options.TopupPackages)
        {
            if (package.Coins < 1 || package.Price < 1 || string.IsNullOrWhiteSpace(package.Currency))
            {
                problems.Add($"Wallet:TopupPackages:{id} needs Coins >= 1, Price >= 1 and a Currency.");
            }
        }

        foreach (var (id, gift) in options.Gifts)
        {
            if (gift.Price < 1 || string.IsNullOrWhiteSpace(gift.Name))
            {
                problems.Add($"Wallet:Gifts:{id} needs a Name and Price >= 1.");
            }
        }

        if (options.MinimumPayout < 1)
        {
            problems.Add("Wallet:MinimumPayout must be at least 1.");
        }

        if (options.SubscriptionGraceDays < 0)
        {
            problems.Add("Wallet:SubscriptionGraceDays must not be negative.");
        }

        if (options.RenewalIntervalSeconds <= 0 || options.ReconciliationIntervalMinutes <= 0)
        {
            problems.Add("Wallet:RenewalIntervalSeconds and Wallet:ReconciliationIntervalMinutes must be positive.");
        }

        return problems.Count == 0 ? [] : ["Invalid wallet settings: " + string.Join(" ", problems)];
    }

    private static void CheckSplit(List<string> problems, string name, SplitPercentages split)
    {
        if (split.Creator < 0 || split.Platform < 0 || split.Processor < 0 || split.Creator + split.Platform + split.Processor != 100)
        {
            problems.Add($"Wallet:Splits:{name} must be three non-negative percentages that sum to 100 " +
                $"(creator {split.Creator} + platform {split.Platform} + processor {split.Processor} = {split.Creator + split.Platform + split.Processor}).");
        }
    }
}
