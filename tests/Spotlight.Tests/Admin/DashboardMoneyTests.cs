using System.Globalization;
using System.Net;
using Spotlight.Data;
using Spotlight.Platform.Jobs;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;
using Spotlight.Wallet;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Reconciliation;

namespace Spotlight.Tests.Admin;

/// <summary>The dashboard's money figures are the seeded movements: a fixture of its own with this one test, so every coin is known.</summary>
public sealed class DashboardMoneyTests(WalletApp app) : IClassFixture<WalletApp>
{
    [Fact]
    public async Task The_money_tiles_and_the_gifts_per_day_chart_show_exactly_the_seeded_movements()
    {
        var admin = await app.AdminAsync();
        var fan = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        var other = await app.CreatorAsync();

        // Today: two top-ups (100 + 550), funding by adjustment (not a top-up), four rockets (400, 10 % to the platform),
        // a payout of 200 paid and one of 100 waiting.
        await app.TopUpAsync(fan, "coins_100");
        await app.TopUpAsync(fan, "coins_550");
        await app.FundAsync(fan.Id, 1_500);
        await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 4 })).ShouldBeAsync(HttpStatusCode.Created);
        var paid = await (await creator.Client.PostMoneyAsync("/api/v1/creator/payouts", new { amount = 200 })).ShouldBeAsync(HttpStatusCode.Created);
        await (await creator.Client.PostMoneyAsync("/api/v1/creator/payouts", new { amount = 100 })).ShouldBeAsync(HttpStatusCode.Created);
        await (await admin.Client.PostAsync($"/api/v1/admin/payouts/{paid.GetProperty("id").GetGuid()}/approve", null)).ShouldBeAsync(HttpStatusCode.OK);

        // Earlier days, posted through the ledger with their own dates: 1,000 five days ago, 40 on the chart's first day,
        // 7 the day before it (outside the 30 days).
        var today = app.Clock.GetUtcNow().UtcDateTime.Date;
        await PastGiftAsync(fan.Id, other.Id, 1_000, today.AddDays(-5).AddHours(13));
        await PastGiftAsync(fan.Id, other.Id, 40, today.AddDays(-29).AddMinutes(1));
        await PastGiftAsync(fan.Id, other.Id, 7, today.AddDays(-30).AddHours(23));
        await RunReconciliationJobAsync();

        var console = await ConsoleClient.SignInAsync(app, admin);
        var page = await console.GetPageAsync("/admin");
        string Tile(string key) => page.QuerySelector($"[data-tile='{key}']")!.TextContent;
        Assert.Equal("650", Tile("money.toppedUpToday"));
        Assert.Equal("400", Tile("money.giftedToday"));
        Assert.Equal("200", Tile("money.paidOutToday"));
        Assert.Equal("40", Tile("money.revenueToday"));
        Assert.Equal("1", Tile("money.pendingPayouts"));
        Assert.Contains("100 coins waiting", page.QuerySelector("[data-testid='tile-money.pendingPayouts']")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Balanced", Tile("money.ledger"));

        var chart = page.QuerySelector("svg[data-chart='money.giftedPerDay']")!;
        Assert.Equal("Coins gifted per day, last 30 days", chart.QuerySelector("title")!.TextContent);
        var bars = chart.QuerySelectorAll("rect.bar").Select(b => double.Parse(b.GetAttribute("data-value")!, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(30, bars.Length);
        Assert.Equal(40, bars[0]);
        Assert.Equal(1_000, bars[24]);
        Assert.Equal(400, bars[29]);
        Assert.Equal(1_440, bars.Sum());
        Assert.Contains(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ": 400 coins gifted", chart.QuerySelectorAll("rect.bar")[^1].QuerySelector("title")!.TextContent, StringComparison.Ordinal);

        // The polled counters say the same.
        var live = AdminTestData.Json(await console.Http.GetStringAsync("/admin/dashboard.json"));
        Assert.Equal("650", live.GetProperty("money.toppedUpToday").GetString());
        Assert.Equal("Balanced", live.GetProperty("money.ledger").GetString());
        await app.AssertBalancedAsync();
    }

    /// <summary>A real gift posting (double entry, the sender's balance checked), dated in the past as if it had happened then.</summary>
    private async Task PastGiftAsync(Guid sender, Guid recipient, long amount, DateTime at)
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

    private async Task RunReconciliationJobAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LedgerReconciliationJob>().RunAsync(new JobRun(Guid.NewGuid(), LedgerReconciliationJob.JobType, null, 1), CancellationToken.None);
    }
}
