using System.Net;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Payouts;

namespace Spotlight.Tests.Admin;

/// <summary>
/// Money in the console is for administrators: moderators see no balances, transactions, payouts or money audit entries,
/// and every money form refuses anyone but an administrator, without a valid antiforgery token, or signed out.
/// </summary>
public sealed class MoneyAuthorizationTests(WalletApp app) : IClassFixture<WalletApp>
{
    /// <summary>A fan's gift to a creator, and the creator's pending payout: something for every money form to name.</summary>
    private async Task<(TestUser Fan, TestUser Creator, Guid Gift, Guid Payout)> SeedAsync()
    {
        var fan = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(fan.Id, 200);
        var gift = await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 2 })).ShouldBeAsync(HttpStatusCode.Created);
        var payout = await (await creator.Client.PostMoneyAsync("/api/v1/creator/payouts", new { amount = 150 })).ShouldBeAsync(HttpStatusCode.Created);
        return (fan, creator, gift.GetProperty("transactionId").GetGuid(), payout.GetProperty("id").GetGuid());
    }

    private static string[] MoneyForms(TestUser fan, Guid gift, Guid payout) =>
    [
        $"/admin/money/transactions/{gift}?handler=Reverse", "/admin/money/adjust?handler=Review", "/admin/money/adjust?handler=Confirm",
        "/admin/money/reconciliation?handler=Run", $"/admin/payouts?id={payout}&handler=Approve", $"/admin/payouts?id={payout}&handler=Reject",
    ];

    private static Dictionary<string, string> Fields(TestUser fan, string? token)
    {
        var fields = new Dictionary<string, string>
        {
            ["Reason"] = "forged", ["AllowNegative"] = "true", ["user"] = fan.Id.ToString(), ["Amount"] = "1000", ["Key"] = "console-adjustment-forged",
        };
        if (token is not null)
        {
            fields["__csrf"] = token;
        }

        return fields;
    }

    private async Task AssertNothingMovedAsync(TestUser fan, TestUser creator, Guid gift, Guid payout)
    {
        Assert.Equal(0, await app.BalanceAsync(fan));
        Assert.Equal(20, await app.EarningsAsync(creator));
        Assert.False(await app.WithDbAsync(db => db.Set<LedgerTransaction>().AnyAsync(t => t.ReversesId == gift)));
        Assert.Equal(PayoutStatus.Requested, await app.WithDbAsync(db => db.Set<Payout>().Where(p => p.Id == payout).Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task A_moderator_sees_no_money_on_the_dashboard_a_user_page_or_in_the_audit_log()
    {
        var (fan, _, _, _) = await SeedAsync();
        var moderator = await ConsoleClient.SignInAsync(app, await app.CreateUserAsync(roles: "moderator"));
        var admin = await ConsoleClient.SignInAsync(app, await app.AdminAsync());

        Assert.Null((await moderator.GetPageAsync("/admin")).QuerySelector("[data-section=money]"));
        Assert.NotNull((await admin.GetPageAsync("/admin")).QuerySelector("[data-section=money]"));
        Assert.DoesNotContain("money.", await moderator.Http.GetStringAsync("/admin/dashboard.json"), StringComparison.Ordinal);
        Assert.Contains("money.giftedToday", await admin.Http.GetStringAsync("/admin/dashboard.json"), StringComparison.Ordinal);

        Assert.Null((await moderator.GetPageAsync($"/admin/users/{fan.Id}")).QuerySelector("[data-testid=wallet-card]"));
        Assert.Equal("0 coins", (await admin.GetPageAsync($"/admin/users/{fan.Id}")).QuerySelector("[data-testid=wallet-balance]")!.TextContent);

        Assert.Contains("administrators only", (await moderator.GetPageAsync($"/admin/audit?actor={fan.Id}")).QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Null((await moderator.GetPageAsync($"/admin/audit?actor={fan.Id}&action=wallet.*")).QuerySelector("[data-testid=audit-table]"));
        Assert.NotNull((await admin.GetPageAsync($"/admin/audit?actor={fan.Id}&action=wallet.*")).QuerySelector("[data-testid=audit-table]"));
        Assert.DoesNotContain("wallet.", await moderator.Http.GetStringAsync($"/admin/audit/export.csv?actor={fan.Id}"), StringComparison.Ordinal);
        Assert.Contains("wallet.gift_sent", await admin.Http.GetStringAsync($"/admin/audit/export.csv?actor={fan.Id}"), StringComparison.Ordinal);
        Assert.DoesNotContain("wallet.", (await moderator.GetPageAsync($"/admin/users/{fan.Id}")).QuerySelector("main")!.TextContent, StringComparison.Ordinal);

        var denied = await moderator.Http.GetAsync("/admin/money");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith("/admin/denied", denied.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Null((await moderator.GetPageAsync("/admin")).QuerySelector("nav a[href='/admin/money']"));
    }

    [Fact]
    public async Task A_moderator_posting_any_money_form_gets_403_and_nothing_moves()
    {
        var (fan, creator, gift, payout) = await SeedAsync();
        var moderator = await ConsoleClient.SignInAsync(app, await app.CreateUserAsync(roles: "moderator"));
        var token = (await moderator.GetPageAsync("/admin")).QuerySelector("input[name=__csrf]")!.GetAttribute("value")!;
        foreach (var path in MoneyForms(fan, gift, payout))
        {
            var response = await moderator.Http.PostAsync(path, new FormUrlEncodedContent(Fields(fan, token)));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)response.StatusCode}");
        }

        await AssertNothingMovedAsync(fan, creator, gift, payout);
    }

    [Fact]
    public async Task A_signed_out_visitor_is_sent_to_sign_in_and_a_form_without_its_antiforgery_token_is_refused()
    {
        var (fan, creator, gift, payout) = await SeedAsync();
        var visitor = ConsoleClient.Anonymous(app);
        var loginToken = (await visitor.GetPageAsync("/admin/login")).QuerySelector("input[name=__csrf]")!.GetAttribute("value")!;
        var admin = await ConsoleClient.SignInAsync(app, await app.AdminAsync());
        foreach (var path in MoneyForms(fan, gift, payout))
        {
            var signedOut = await visitor.Http.PostAsync(path, new FormUrlEncodedContent(Fields(fan, loginToken)));
            Assert.True(signedOut.StatusCode == HttpStatusCode.Redirect, $"{path}: {(int)signedOut.StatusCode}");
            Assert.StartsWith("/admin/login", signedOut.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

            var forged = await admin.Http.PostAsync(path, new FormUrlEncodedContent(Fields(fan, token: null)));
            Assert.True(forged.StatusCode == HttpStatusCode.BadRequest, $"{path} without a token: {(int)forged.StatusCode}");
        }

        await AssertNothingMovedAsync(fan, creator, gift, payout);
    }

    [Fact]
    public async Task The_stats_api_gives_administrators_the_money_section()
    {
        var admin = await app.AdminAsync();
        var stats = await (await admin.Client.GetAsync("/api/v1/admin/stats")).ShouldBeAsync(HttpStatusCode.OK);
        var money = stats.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "money");
        Assert.Equal(
            ["money.toppedUpToday", "money.giftedToday", "money.paidOutToday", "money.revenueToday", "money.pendingPayouts", "money.ledger"],
            money.GetProperty("tiles").EnumerateArray().Select(t => t.GetProperty("key").GetString()!).ToArray());
        Assert.Equal(30, money.GetProperty("charts")[0].GetProperty("points").GetArrayLength());
    }
}
