using Microsoft.Extensions.DependencyInjection;
using Spotlight.Data;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Tests.Wallet;

/// <summary>
/// The money totals per day behind the dashboard: days that are over are read once and kept by the node for ten minutes,
/// today is read on every call. A fixture of its own (it moves the clock).
/// </summary>
public sealed class DailyTotalsTests(WalletApp app) : IClassFixture<WalletApp>
{
    [Fact]
    public async Task A_closed_day_is_read_once_and_kept_for_ten_minutes_while_today_is_read_on_every_call()
    {
        var fan = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(fan.Id, 10_000);
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var closed = today.AddDays(-3);
        await GiftAsync(fan.Id, creator.Id, 100, closed.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc));

        var first = await TotalsAsync(closed, today);
        Assert.Equal(100, first[0].Gifted);
        Assert.Equal(10, first[0].PlatformRevenue);

        // A gift dated on the closed day after it was read (only a hand-made posting can do that) is not seen for ten
        // minutes; a gift today is seen at once.
        await GiftAsync(fan.Id, creator.Id, 50, closed.ToDateTime(new TimeOnly(13, 0), DateTimeKind.Utc));
        await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 })).ShouldBeAsync(System.Net.HttpStatusCode.Created);
        var second = await TotalsAsync(closed, today);
        Assert.Equal(100, second[0].Gifted);
        Assert.Equal(100, second[^1].Gifted);
        Assert.Equal(10, second[^1].PlatformRevenue);

        app.Clock.Advance(ClosedDayTotals.KeepFor + TimeSpan.FromSeconds(1));
        var third = await TotalsAsync(closed, DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime));
        Assert.Equal(150, third[0].Gifted);
        Assert.Equal(10 + 6, third[0].PlatformRevenue); // 50 at 85/10/5: creator 42 and processor 2 rounded down, the platform the remaining 6
        Assert.Equal(0, third[1].Gifted);
    }

    private async Task<IReadOnlyList<DailyMoneyTotals>> TotalsAsync(DateOnly first, DateOnly last)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IWalletReadModel>().GetDailyTotalsAsync(first, last);
    }

    /// <summary>A real gift posting at 85/10/5, dated in the past as if it had happened then.</summary>
    private async Task GiftAsync(Guid sender, Guid recipient, long amount, DateTime at)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var ledger = scope.ServiceProvider.GetRequiredService<LedgerWriter>();
        var split = RevenueSplit.Compute(amount, scope.ServiceProvider.GetRequiredService<IRevenueSplits>().Percentages(SaleKind.Gift));
        await using var transaction = await ledger.BeginAsync(db);
        var posted = await ledger.PostAsync(db, new LedgerTransaction { Id = Guid.CreateVersion7(), Type = TransactionType.Gift, Amount = amount, InitiatorId = sender, CreatedAt = at },
        [
            new Posting(LedgerAccountRef.Wallet(sender), -amount, recipient), new Posting(LedgerAccountRef.Earnings(recipient), split.Creator, sender),
            new Posting(LedgerAccountRef.Revenue, split.Platform), new Posting(LedgerAccountRef.ProcessorFees, split.Processor),
        ]);
        Assert.IsType<PostResult.Posted>(posted);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }
}
