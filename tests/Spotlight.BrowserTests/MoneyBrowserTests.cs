using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.BrowserTests;

/// <summary>The console's money pages in Chromium: payouts, a reversal, an adjustment, the reconciliation.</summary>
public sealed class MoneyBrowserTests(BrowserApp app) : BrowserTest(app), IClassFixture<BrowserApp>
{
    private async Task<TestUser> FundedFanAsync(TestUser admin, long coins)
    {
        var fan = await App.CreateUserAsync();
        await MoneyAsync(admin, $"/api/v1/admin/wallets/{fan.Id}/adjustments", new { amount = coins, reason = "browser test funding" });
        return fan;
    }

    private static async Task<System.Text.Json.JsonElement> MoneyAsync(TestUser caller, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return await (await caller.Client.SendAsync(request)).ShouldBeAsync(HttpStatusCode.Created);
    }

    private static async Task<long> EarningsAsync(TestUser creator) =>
        (await (await creator.Client.GetAsync("/api/v1/creator/earnings")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("balance").GetInt64();

    [BrowserFact]
    public async Task Approving_and_rejecting_payouts_in_the_console_changes_what_the_creator_has_earned_and_been_paid()
    {
        var admin = await App.CreateAdminAsync();
        var creator = await App.CreateUserAsync(roles: "creator");
        var fan = await FundedFanAsync(admin, 400);
        await MoneyAsync(fan, "/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 4 }); // 340 earned
        var approve = (await MoneyAsync(creator, "/api/v1/creator/payouts", new { amount = 200 })).GetProperty("id").GetGuid();
        var reject = (await MoneyAsync(creator, "/api/v1/creator/payouts", new { amount = 100 })).GetProperty("id").GetGuid();

        var page = await App.NewPageAsync();
        await App.SignInAsync(page, admin);
        await page.GotoAsync($"/admin/users/{creator.Id}");
        Assert.Equal("40 coins", await page.GetByTestId("earnings-balance").TextContentAsync());
        Assert.Equal("300 coins (2)", await page.GetByTestId("payouts-pending").TextContentAsync());
        Assert.Equal("0 coins", await page.GetByTestId("paid-out").TextContentAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = "Payouts", Exact = true }).ClickAsync();
        await App.ExpectUrlAsync(page, "**/admin/payouts");
        await BrowserApp.ScreenshotAsync(page, "payouts");
        var approveRow = page.Locator($"tr[data-payout='{approve}']");
        Assert.Equal("@" + creator.Handle, await approveRow.Locator("td:nth-child(2) a").TextContentAsync());
        await approveRow.GetByText("Approve…").ClickAsync();
        await approveRow.GetByRole(AriaRole.Button, new() { Name = "Confirm payment of 200" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).WaitForAsync();
        Assert.Contains($"Paid 200 coins to @{creator.Handle}", await page.GetByRole(AriaRole.Status).TextContentAsync(), StringComparison.Ordinal);

        var rejectRow = page.Locator($"tr[data-payout='{reject}']");
        await rejectRow.GetByText("Reject…").ClickAsync();
        await rejectRow.GetByLabel("Reason (the creator sees it)").FillAsync("Please verify your bank account first");
        await rejectRow.GetByRole(AriaRole.Button, new() { Name = "Confirm rejection" }).ClickAsync();
        await page.GetByText("Rejected the payout of 100 coins").WaitForAsync();
        // Both have left the pending queue (other tests in this fixture may leave payouts of their own waiting).
        Assert.Equal(0, await page.Locator($"tr[data-payout='{approve}'], tr[data-payout='{reject}']").CountAsync());

        await page.GotoAsync($"/admin/users/{creator.Id}");
        Assert.Equal("140 coins", await page.GetByTestId("earnings-balance").TextContentAsync());
        Assert.Equal("0 coins (0)", await page.GetByTestId("payouts-pending").TextContentAsync());
        Assert.Equal("200 coins", await page.GetByTestId("paid-out").TextContentAsync());
        await BrowserApp.ScreenshotAsync(page, "user-detail-wallet");
        Assert.Equal(140, await EarningsAsync(creator));
        var paid = await (await creator.Client.GetAsync($"/api/v1/creator/payouts/{approve}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("paid", paid.GetProperty("status").GetString());
    }

    [BrowserFact]
    public async Task Reversing_a_gift_in_the_console_gives_the_fan_the_coins_back()
    {
        var admin = await App.CreateAdminAsync();
        var creator = await App.CreateUserAsync(roles: "creator");
        var fan = await FundedFanAsync(admin, 100);
        var gift = (await MoneyAsync(fan, "/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 1 })).GetProperty("transactionId").GetGuid();

        var page = await App.NewPageAsync();
        await App.SignInAsync(page, admin);
        await page.GetByRole(AriaRole.Link, new() { Name = "Money", Exact = true }).ClickAsync();
        await page.GetByLabel("User").FillAsync("@" + fan.Handle);
        await page.GetByLabel("Type").SelectOptionAsync("gift");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await App.ExpectUrlAsync(page, "**/admin/money?*user=*");
        await BrowserApp.ScreenshotAsync(page, "money");
        await page.Locator($"tr[data-transaction='{gift}'] a").ClickAsync();
        await App.ExpectUrlAsync(page, $"**/admin/money/transactions/{gift}");
        await BrowserApp.ScreenshotAsync(page, "transaction");

        await page.GetByText("Reverse this transaction…").ClickAsync();
        await page.GetByLabel("Reason (kept with the reversal and in the audit log)").FillAsync("Sent by mistake, confirmed with the creator");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm reversal" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).WaitForAsync();
        Assert.StartsWith("Reversed", (await page.GetByRole(AriaRole.Status).TextContentAsync())!.Trim(), StringComparison.Ordinal);
        Assert.Equal("reversed", await page.GetByTestId("status").TextContentAsync());
        await BrowserApp.ScreenshotAsync(page, "transaction-reversed");

        var wallet = await (await fan.Client.GetAsync("/api/v1/wallet")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(100, wallet.GetProperty("balance").GetInt64());
        Assert.Equal(0, await EarningsAsync(creator));
    }

    [BrowserFact]
    public async Task An_adjustment_is_reviewed_and_confirmed_and_run_now_reconciles_the_ledger()
    {
        var admin = await App.CreateAdminAsync();
        var user = await App.CreateUserAsync();
        var page = await App.NewPageAsync();
        await App.SignInAsync(page, admin);
        await page.GotoAsync("/admin/money/adjust");
        await page.GetByLabel("User").FillAsync(user.Email);
        await page.GetByLabel("Amount (coins)").FillAsync("75");
        await page.GetByLabel("Reason (kept with the transaction and in the audit log)").FillAsync("Refund for a failed live stream");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review adjustment" }).ClickAsync();
        var review = page.GetByTestId("adjustment-review");
        await review.WaitForAsync();
        Assert.Contains("0 → 75", await review.TextContentAsync(), StringComparison.Ordinal);
        await BrowserApp.ScreenshotAsync(page, "adjust-review");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm adjustment" }).ClickAsync();
        await App.ExpectUrlAsync(page, "**/admin/money/transactions/*");
        Assert.Contains("credited 75 coins", await page.GetByRole(AriaRole.Status).TextContentAsync(), StringComparison.Ordinal);
        var wallet = await (await user.Client.GetAsync("/api/v1/wallet")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(75, wallet.GetProperty("balance").GetInt64());

        await page.GotoAsync("/admin/money/reconciliation");
        await page.GetByText("Run the reconciliation now…").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm: run now" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).WaitForAsync();
        Assert.Contains("The ledger is balanced", await page.GetByRole(AriaRole.Status).TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("balanced", await page.GetByTestId("ledger-status").TextContentAsync());
        await BrowserApp.ScreenshotAsync(page, "reconciliation");

        // Some gifts and payouts for the dashboard's money section to show.
        var creator = await App.CreateUserAsync(roles: "creator");
        var fan = await FundedFanAsync(admin, 1_000);
        await MoneyAsync(fan, "/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 5 });
        var payout = (await MoneyAsync(creator, "/api/v1/creator/payouts", new { amount = 200 })).GetProperty("id").GetGuid();
        await (await admin.Client.PostAsync($"/api/v1/admin/payouts/{payout}/approve", null)).ShouldBeAsync(HttpStatusCode.OK);
        await MoneyAsync(creator, "/api/v1/creator/payouts", new { amount = 100 });
        await page.GotoAsync("/admin");
        Assert.Equal("Balanced", await page.Locator("[data-tile='money.ledger']").TextContentAsync());
        Assert.True(await page.Locator("svg[data-chart='money.giftedPerDay']").IsVisibleAsync());
        await BrowserApp.ScreenshotAsync(page, "dashboard-money");
        Assert.DoesNotContain(App.ConsoleErrors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));
    }
}
