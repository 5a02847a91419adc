using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;
using Spotlight.Wallet.Payouts;

namespace Spotlight.Tests.Admin;

/// <summary>The console's payout queue: approve pays through the provider, reject returns the coins, both by the wallet's rules.</summary>
public sealed class PayoutsPageTests(WalletApp app) : IClassFixture<WalletApp>
{
    /// <summary>A creator who earned <paramref name="gifts"/> × 85 coins (rockets at the 85 % gift split) and asked for payouts of these amounts.</summary>
    private async Task<(TestUser Creator, List<Guid> Payouts)> CreatorWithPayoutsAsync(int gifts, params long[] amounts)
    {
        var creator = await app.CreatorAsync();
        var fan = await app.CreateUserAsync();
        await app.FundAsync(fan.Id, gifts * 100);
        await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = gifts })).ShouldBeAsync(HttpStatusCode.Created);
        var payouts = new List<Guid>();
        foreach (var amount in amounts)
        {
            var payout = await (await creator.Client.PostMoneyAsync("/api/v1/creator/payouts", new { amount })).ShouldBeAsync(HttpStatusCode.Created);
            payouts.Add(payout.GetProperty("id").GetGuid());
        }

        return (creator, payouts);
    }

    private static IElement Row(IHtmlDocument page, Guid payout) => page.QuerySelector($"tr[data-payout='{payout}']")!;

    private static string Form(Guid payout, string handler) => $"tr[data-payout='{payout}'] form[action*='handler={handler}']";

    [Fact]
    public async Task The_pending_queue_shows_creator_amount_and_earnings_and_an_approval_pays_the_payout()
    {
        var (creator, payouts) = await CreatorWithPayoutsAsync(4, 150, 100); // 340 earned, 90 left
        var console = await ConsoleClient.SignInAsync(app, await app.AdminAsync());

        var queue = await console.GetPageAsync("/admin/payouts");
        var row = Row(queue, payouts[0]);
        Assert.Equal("@" + creator.Handle, row.QuerySelector("td:nth-child(2) a")!.TextContent);
        Assert.Equal("150", row.QuerySelector("[data-testid=payout-amount]")!.TextContent);
        Assert.Equal("90", row.QuerySelector("[data-testid=creator-earnings]")!.TextContent);
        Assert.NotNull(Row(queue, payouts[1]));

        var approved = await console.SubmitFormAsync(queue, Form(payouts[0], "Approve"), [], "/admin/payouts");
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var after = await console.GetPageAsync(approved.Headers.Location!.OriginalString);
        Assert.Contains($"Paid 150 coins to @{creator.Handle} through sandbox", after.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(after.QuerySelector($"tr[data-payout='{payouts[0]}']")); // no longer pending

        var creatorPage = await console.GetPageAsync($"/admin/users/{creator.Id}");
        Assert.Equal("150 coins", creatorPage.QuerySelector("[data-testid=paid-out]")!.TextContent);
        Assert.Equal("100 coins (1)", creatorPage.QuerySelector("[data-testid=payouts-pending]")!.TextContent);
        var mine = await (await creator.Client.GetAsync($"/api/v1/creator/payouts/{payouts[0]}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("paid", mine.GetProperty("status").GetString());
        var actions = await app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == payouts[0].ToString()).OrderBy(e => e.At).Select(e => new { e.Action, e.ActorId }).ToListAsync());
        Assert.Equal(["wallet.payout_requested", "wallet.payout_approved", "wallet.payout_paid"], actions.Select(a => a.Action));
        Assert.Equal((await app.AdminAsync()).Id, actions[1].ActorId);

        var paid = await console.GetPageAsync("/admin/payouts?status=paid");
        Assert.Contains("sandbox_po_", Row(paid, payouts[0]).TextContent, StringComparison.Ordinal);

        // Approving it again (a stale tab) is refused with the wallet's reason.
        var token = queue.QuerySelector("input[name=__csrf]")!.GetAttribute("value")!;
        var again = await console.Http.PostAsync($"/admin/payouts?id={payouts[0]}&handler=Approve", new FormUrlEncodedContent(new Dictionary<string, string> { ["__csrf"] = token }));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("The payout was not approved: This payout is paid", (await ConsoleClient.ParseAsync(again)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_rejection_needs_a_reason_returns_the_coins_to_the_creators_earnings_and_shows_the_reason()
    {
        var (creator, payouts) = await CreatorWithPayoutsAsync(2, 150); // 170 earned, 20 left
        var console = await ConsoleClient.SignInAsync(app, await app.AdminAsync());
        var queue = await console.GetPageAsync("/admin/payouts");

        var noReason = await console.SubmitFormAsync(queue, Form(payouts[0], "Reject"), new() { ["Reason"] = "  " }, "/admin/payouts");
        Assert.Equal(HttpStatusCode.OK, noReason.StatusCode);
        var page = await ConsoleClient.ParseAsync(noReason);
        Assert.Contains("Give a reason for the rejection", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector($"tr[data-payout='{payouts[0]}'] details[open] form[action*='handler=Reject']"));
        Assert.Equal(20, await app.EarningsAsync(creator));

        var rejected = await console.SubmitFormAsync(page, Form(payouts[0], "Reject"), new() { ["Reason"] = "bank details do not match the account" }, "/admin/payouts");
        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        Assert.Equal(170, await app.EarningsAsync(creator));
        var list = await console.GetPageAsync("/admin/payouts?status=rejected");
        Assert.Contains("bank details do not match the account", Row(list, payouts[0]).TextContent, StringComparison.Ordinal);
        Assert.Equal("170", Row(list, payouts[0]).QuerySelector("[data-testid=creator-earnings]")!.TextContent);
        var payout = await app.WithDbAsync(db => db.Set<Payout>().SingleAsync(p => p.Id == payouts[0]));
        Assert.Equal(PayoutStatus.Rejected, payout.Status);
        Assert.Equal("bank details do not match the account", payout.RejectionReason);
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task The_queue_says_when_nothing_waits_and_tabs_filter_by_status()
    {
        var console = await ConsoleClient.SignInAsync(app, await app.AdminAsync());
        var pending = await console.GetPageAsync("/admin/payouts");
        Assert.Equal("page", pending.QuerySelectorAll(".tabs a").Single(a => a.TextContent == "Pending").GetAttribute("aria-current"));
        var all = await console.GetPageAsync("/admin/payouts?status=all");
        Assert.Equal("page", all.QuerySelectorAll(".tabs a").Single(a => a.TextContent == "All").GetAttribute("aria-current"));
        var unknown = await console.GetPageAsync("/admin/payouts?status=nonsense");
        Assert.Equal("page", unknown.QuerySelectorAll(".tabs a").Single(a => a.TextContent == "Pending").GetAttribute("aria-current"));
        var bad = await console.GetPageAsync("/admin/payouts?cursor=broken");
        Assert.Contains("no longer valid", bad.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
    }
}
