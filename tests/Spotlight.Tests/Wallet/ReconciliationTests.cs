using System.Net;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Jobs;
using Spotlight.Tests.Infrastructure;
using Spotlight.Wallet;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Reconciliation;

namespace Spotlight.Tests.Wallet;

/// <summary>These tests corrupt the books on purpose, so they run on an app of their own.</summary>
public sealed class ReconciliationTests(WalletApp app) : IClassFixture<WalletApp>
{
    private async Task RunJobAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LedgerReconciliationJob>().RunAsync(new JobRun(Guid.NewGuid(), LedgerReconciliationJob.JobType, null, 1), CancellationToken.None);
    }

    private async Task<string> MetricsAsync() => await (await app.CreateClient().GetAsync("/metrics")).Content.ReadAsStringAsync();

    [Fact]
    public async Task A_tampered_balance_or_entry_is_found_reported_audited_and_flagged_in_metrics_until_repaired()
    {
        var alice = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.TopUpAsync(alice);
        await (await alice.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "star", quantity = 2 })).ShouldBeAsync(HttpStatusCode.Created);
        await RunJobAsync();
        Assert.Contains("spotlight_ledger_unbalanced 0", await MetricsAsync(), StringComparison.Ordinal);
        await app.AssertBalancedAsync();

        // Someone edits a stored balance and an entry behind the ledger's back.
        var wallet = LedgerAccountRef.Wallet(alice.Id).Id;
        await app.WithDbAsync(db => db.Set<LedgerAccount>().Where(a => a.Id == wallet).ExecuteUpdateAsync(s => s.SetProperty(a => a.Balance, a => a.Balance + 1000)));
        var earnings = LedgerAccountRef.Earnings(creator.Id).Id;
        await app.WithDbAsync(db => db.Set<LedgerEntry>().Where(e => e.AccountId == earnings).ExecuteUpdateAsync(s => s.SetProperty(e => e.Amount, e => e.Amount + 7)));

        var report = await app.ReconcileAsync();
        Assert.False(report.GetProperty("balanced").GetBoolean());
        var kinds = report.GetProperty("mismatches").EnumerateArray().Select(m => m.GetProperty("kind").GetString()).ToList();
        Assert.Contains("stored_balance", kinds);
        Assert.Contains("unbalanced_transaction", kinds);
        Assert.Contains("totals", kinds);
        Assert.NotEqual(report.GetProperty("totalDebits").GetInt64(), report.GetProperty("totalCredits").GetInt64());

        await RunJobAsync();
        Assert.Contains("spotlight_ledger_unbalanced 1", await MetricsAsync(), StringComparison.Ordinal);
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "ledger.unbalanced")));
        Assert.Contains(app.Logs.Lines, l => l.Level == LogLevel.Error && l.Text.Contains("reconciliation found", StringComparison.Ordinal));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var last = await scope.ServiceProvider.GetRequiredService<IWalletReadModel>().GetLastReconciliationAsync();
            Assert.False(last!.Balanced);
        }

        // Repaired, the next run clears the flag.
        await app.WithDbAsync(db => db.Set<LedgerAccount>().Where(a => a.Id == wallet).ExecuteUpdateAsync(s => s.SetProperty(a => a.Balance, a => a.Balance - 1000)));
        await app.WithDbAsync(db => db.Set<LedgerEntry>().Where(e => e.AccountId == earnings).ExecuteUpdateAsync(s => s.SetProperty(e => e.Amount, e => e.Amount - 7)));
        await RunJobAsync();
        Assert.Contains("spotlight_ledger_unbalanced 0", await MetricsAsync(), StringComparison.Ordinal);
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_clearing_account_that_disagrees_with_the_topups_is_a_mismatch()
    {
        var user = await app.CreateUserAsync();
        var topupId = await app.TopUpAsync(user);
        await app.WithDbAsync(db => db.Set<Spotlight.Wallet.Topups.Topup>().Where(t => t.Id == topupId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, "pending")));
        var report = await app.ReconcileAsync();
        Assert.Contains(report.GetProperty("mismatches").EnumerateArray(), m => m.GetProperty("kind").GetString() == "clearing" && m.GetProperty("subject").GetString() == "topup_clearing:sandbox");
        await app.WithDbAsync(db => db.Set<Spotlight.Wallet.Topups.Topup>().Where(t => t.Id == topupId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, "succeeded")));
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task The_read_model_gives_the_admin_console_balances_history_daily_totals_and_pending_payouts()
    {
        var user = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.TopUpAsync(user);
        await (await user.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 })).ShouldBeAsync(HttpStatusCode.Created);

        await using var scope = app.Services.CreateAsyncScope();
        var read = scope.ServiceProvider.GetRequiredService<IWalletReadModel>();
        Assert.Equal(0, await read.GetBalanceAsync(user.Id));
        Assert.Equal(85, await read.GetEarningsAsync(creator.Id));
        Assert.Equal(["gift", "topup"], (await read.GetRecentTransactionsAsync(user.Id)).Select(t => t.Type));
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var days = await read.GetDailyTotalsAsync(today.AddDays(-1), today);
        Assert.Equal(2, days.Count);
        Assert.True(days[1].ToppedUp >= 100 && days[1].Gifted >= 100 && days[1].PlatformRevenue >= 10);
        Assert.Equal(0, days[0].Gifted);
        Assert.True(await read.CountPendingPayoutsAsync() >= 0);
    }
}
