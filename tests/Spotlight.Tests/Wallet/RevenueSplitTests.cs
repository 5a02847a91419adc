using CsCheck;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Tests.Wallet;

public sealed class RevenueSplitTests
{
    private static readonly Gen<SplitPercentages> Percentages =
        Gen.Int[0, 100].SelectMany(creator => Gen.Int[0, 100 - creator].Select(processor =>
            new SplitPercentages { Creator = creator, Processor = processor, Platform = 100 - creator - processor }));

    [Fact]
    public void Parts_are_never_negative_and_always_add_up_to_the_amount()
    {
        Gen.Select(Gen.Long[0, long.MaxValue], Percentages).Sample(t =>
        {
            var (amount, percentages) = t;
            var split = RevenueSplit.Compute(amount, percentages);
            return split.Creator >= 0 && split.Platform >= 0 && split.Processor >= 0 && split.Creator + split.Platform + split.Processor == amount;
        }, iter: 100_000);
    }

    [Fact]
    public void Creator_and_processor_get_their_share_rounded_down_and_the_remainder_goes_to_the_platform()
    {
        Gen.Select(Gen.Long[0, 10_000_000_000], Percentages).Sample(t =>
        {
            var (amount, p) = t;
            var split = RevenueSplit.Compute(amount, p);
            // Rounding down costs each of the two less than one coin; the platform never gets less than its own share.
            return split.Creator == amount * p.Creator / 100
                && split.Processor == amount * p.Processor / 100
                && split.Platform * 100 >= amount * p.Platform
                && split.Platform * 100 < (amount * p.Platform) + 200;
        }, iter: 100_000);
    }

    [Theory]
    [InlineData(100, 85, 10, 5)]
    [InlineData(10, 8, 2, 0)]
    [InlineData(1, 0, 1, 0)]
    [InlineData(0, 0, 0, 0)]
    [InlineData(999, 849, 101, 49)]
    public void The_default_gift_split_is_85_10_5_with_the_remainder_to_the_platform(long amount, long creator, long platform, long processor)
    {
        var split = RevenueSplit.Compute(amount, new SplitsOptions().Gift);
        Assert.Equal(new SplitParts(creator, platform, processor), split);
    }

    [Fact]
    public void The_defaults_are_the_ones_API_md_names()
    {
        var splits = new SplitsOptions();
        Assert.Equal((80, 15, 5), (splits.PremiumUnlock.Creator, splits.PremiumUnlock.Platform, splits.PremiumUnlock.Processor));
        Assert.Equal((70, 25, 5), (splits.Subscription.Creator, splits.Subscription.Platform, splits.Subscription.Processor));
        Assert.Equal((85, 10, 5), (splits.Gift.Creator, splits.Gift.Platform, splits.Gift.Processor));
    }

    [Fact]
    public async Task The_server_refuses_to_start_when_a_split_does_not_sum_to_100_percent()
    {
        await using var app = new BadSplitApp();
        var failure = await Assert.ThrowsAnyAsync<Exception>(app.InitializeAsync);
        Assert.Contains("Wallet:Splits:Gift", failure.ToString(), StringComparison.Ordinal);
    }

    private sealed class BadSplitApp : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Wallet:Splits:Gift:Creator"] = "90" };
    }
}
