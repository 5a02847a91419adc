using System.Net;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Tests.Admin;

/// <summary>"Run now" on the reconciliation page. It corrupts the books on purpose, so it has an app of its own.</summary>
public sealed class ReconciliationPageTests(WalletApp app) : IClassFixture<WalletApp>
{
    [Fact]
    public async Task Run_now_keeps_the_result_shows_mismatches_and_the_dashboards_ledger_tile_follows()
    {
        var fan = await app.CreateUserAsync();
        await app.TopUpAsync(fan);
        var admin = await app.AdminAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);
        // The schedule runs once at start-up; its run is in the history as "schedule".
        var before = (await console.GetPageAsync("/admin/money/reconciliation")).QuerySelectorAll("[data-testid=history-table] tbody tr").Length;

        var run = await console.SubmitAsync("/admin/money/reconciliation", "form[action*='handler=Run']", []);
        Assert.Equal(HttpStatusCode.Redirect, run.StatusCode);
        var page = await console.GetPageAsync(run.Headers.Location!.OriginalString);
        Assert.Contains("The ledger is balanced", page.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("balanced", page.QuerySelector("[data-testid=ledger-status]")!.TextContent);
        Assert.Contains("@" + admin.Handle, page.QuerySelector("[data-testid=reconciliation-result]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(before + 1, page.QuerySelectorAll("[data-testid=history-table] tbody tr").Length);
        Assert.Equal("Balanced", (await console.GetPageAsync("/admin")).QuerySelector("[data-tile='money.ledger']")!.TextContent);
        var audited = await app.WithDbAsync(db => db.Set<AuditEntry>().SingleAsync(e => e.Action == "ledger.reconciled"));
        Assert.Equal(admin.Id, audited.ActorId);

        // Someone edits a stored balance behind the ledger's back: the next run says so, and so does the dashboard.
        var wallet = LedgerAccountRef.Wallet(fan.Id).Id;
        await app.WithDbAsync(db => db.Set<LedgerAccount>().Where(a => a.Id == wallet).ExecuteUpdateAsync(s => s.SetProperty(a => a.Balance, a => a.Balance + 1000)));
        try
        {
            run = await console.SubmitAsync("/admin/money/reconciliation", "form[action*='handler=Run']", []);
            page = await console.GetPageAsync(run.Headers.Location!.OriginalString);
            Assert.Contains("NOT balanced", page.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
            Assert.Equal("unbalanced", page.QuerySelector("[data-testid=ledger-status]")!.TextContent);
            var mismatch = page.QuerySelectorAll("[data-testid=mismatches-table] tbody tr").Single(r => r.TextContent.Contains("stored_balance", StringComparison.Ordinal));
            Assert.Contains($"wallet:{fan.Id:N}", mismatch.TextContent, StringComparison.Ordinal);
            Assert.Contains("1,100", mismatch.TextContent, StringComparison.Ordinal);
            var dashboard = await console.GetPageAsync("/admin");
            Assert.Equal("Unbalanced", dashboard.QuerySelector("[data-tile='money.ledger']")!.TextContent);
            Assert.Contains("alert", dashboard.QuerySelector("[data-testid='tile-money.ledger']")!.ClassName, StringComparison.Ordinal);
            Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "ledger.unbalanced" && e.ActorId == admin.Id)));

            // The history keeps every run; the balanced one before can still be opened.
            var history = page.QuerySelectorAll("[data-testid=history-table] tbody tr a");
            Assert.Equal(before + 2, history.Length);
            var first = await console.GetPageAsync(history[1].GetAttribute("href")!);
            Assert.Equal("balanced", first.QuerySelector("[data-testid=ledger-status]")!.TextContent);
        }
        finally
        {
            await app.WithDbAsync(db => db.Set<LedgerAccount>().Where(a => a.Id == wallet).ExecuteUpdateAsync(s => s.SetProperty(a => a.Balance, a => a.Balance - 1000)));
        }

        await app.AssertBalancedAsync();
        var unknown = await console.GetPageAsync($"/admin/money/reconciliation?run={Guid.NewGuid()}");
        Assert.Contains("No reconciliation has this id", unknown.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
    }
}
