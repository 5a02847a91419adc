namespace Spotlight.Wallet.Ledger;

/// <summary>How one sale is shared, in whole coins. <c>Creator + Platform + Processor</c> is always the sale's amount.</summary>
public sealed record SplitParts(long Creator, long Platform, long Processor);

/// <summary>
/// The one function that splits money (gifts, subscriptions, premium unlocks). Creator and processor parts are rounded
/// down; the platform takes what is left, so rounding never creates or loses a coin.
/// </summary>
internal static class RevenueSplit
{
    public static SplitParts Compute(long amount, SplitPercentages percentages)
    {
        ArgumentNullException.ThrowIfNull(percentages);
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        // Int128: amount × percentage must not overflow for any 64-bit amount.
        var creator = (long)((Int128)amount * percentages.Creator / 100);
        var processor = (long)((Int128)amount * percentages.Processor / 100);
        return new SplitParts(creator, amount - creator - processor, processor);
    }
}
