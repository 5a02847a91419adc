using System.Net;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Tests.Admin;

/// <summary>The console's Money pages: the ledger's transactions, a transaction's entries and its reversal, wallet adjustments.</summary>
public sealed class MoneyPagesTests(WalletApp app) : IClassFixture<WalletApp>
{
    private async Task<ConsoleClient> ConsoleAsync() => await ConsoleClient.SignInAsync(app, await app.AdminAsync());

    private static List<string> Types(IHtmlDocument page) =>
        page.QuerySelectorAll("[data-testid=transactions-table] tbody tr td:nth-child(2)").Select(td => td.ChildNodes[0].TextContent.Trim()).ToList();

    private async Task<Guid> GiftAsync(TestUser fan, TestUser creator, string giftId = "rocket") =>
        (await (await fan.Client.PostMoneyAsync("/api/v1/gifts", new { recipientId = creator.Id, giftId, quantity = 1 })).ShouldBeAsync(HttpStatusCode.Created))
            .GetProperty("transactionId").GetGuid();

    [Fact]
    public async Task Transactions_are_listed_newest_first_and_filtered_by_user_type_and_day()
    {
        var fan = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(fan.Id, 100);
        await GiftAsync(fan, creator);
        await app.TopUpAsync(fan);
        var console = await ConsoleAsync();

        var mine = await console.GetPageAsync("/admin/money?user=@" + fan.Handle);
        Assert.Equal(["Top-up", "Gift", "Adjustment"], Types(mine));
        Assert.Contains("@" + fan.Handle, mine.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        var gift = mine.QuerySelectorAll("[data-testid=transactions-table] tbody tr")[1];
        Assert.Equal("100", gift.QuerySelector("td.num")!.TextContent);
        Assert.Equal($"@{fan.Handle} · wallet", gift.QuerySelectorAll("td")[3].TextContent);
        Assert.Equal($"@{creator.Handle} · earnings", gift.QuerySelectorAll("td")[4].TextContent);

        Assert.Equal(["Gift"], Types(await console.GetPageAsync($"/admin/money?user={fan.Email}&type=gift")));
        Assert.Equal(["Gift"], Types(await console.GetPageAsync($"/admin/money?user={creator.Id}"))); // the creator's earnings side
        var today = app.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var tomorrow = app.Clock.GetUtcNow().UtcDateTime.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(3, Types(await console.GetPageAsync($"/admin/money?user={fan.Handle}&from={today}&to={today}")).Count);
        var none = await console.GetPageAsync($"/admin/money?user={fan.Handle}&from={tomorrow}");
        Assert.Contains("No transaction matches these filters.", none.QuerySelector(".empty-state")!.TextContent, StringComparison.Ordinal);
        var all = await console.GetPageAsync($"/admin/money?type=topup&from={today}");
        Assert.All(Types(all), t => Assert.Equal("Top-up", t));
    }

    [Fact]
    public async Task Bad_filters_are_named_beside_their_fields_and_list_nothing()
    {
        var console = await ConsoleAsync();
        var page = await console.GetPageAsync("/admin/money?type=bogus&user=nobody-has-this-handle&from=yesterday&to=2020-13-01");
        var alert = page.QuerySelector("[role=alert]")!.TextContent;
        Assert.Contains("Type: Choose a type from the list.", alert, StringComparison.Ordinal);
        Assert.Contains("User: No account has the id, handle or email “nobody-has-this-handle”.", alert, StringComparison.Ordinal);
        Assert.Contains("From: Use a date as YYYY-MM-DD.", alert, StringComparison.Ordinal);
        Assert.Equal("true", page.QuerySelector("#user")!.GetAttribute("aria-invalid"));
        Assert.Equal("nobody-has-this-handle", page.QuerySelector("#user")!.GetAttribute("value"));
        Assert.Null(page.QuerySelector("[data-testid=transactions-table]"));

        var backwards = await console.GetPageAsync("/admin/money?from=2026-05-02&to=2026-05-01");
        Assert.Contains("The end date is before the start date.", backwards.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        var badCursor = await console.GetPageAsync("/admin/money?cursor=not-a-cursor");
        Assert.Contains("no longer valid", badCursor.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_of_fifty_continue_where_the_last_ended_with_or_without_a_user()
    {
        var user = await app.CreateUserAsync();
        var created = new List<Guid>();
        var admin = await app.AdminAsync();
        for (var i = 0; i < 53; i++)
        {
            var response = await admin.Client.PostMoneyAsync($"/api/v1/admin/wallets/{user.Id}/adjustments", new { amount = i + 1, reason = $"page test {i}" });
            created.Add((await response.ShouldBeAsync(HttpStatusCode.Created)).GetProperty("transactionId").GetGuid());
        }

        // Newest first, as the pages order them: by id (UUID v7, time-ordered to the millisecond; two made in the same
        // millisecond are ordered by their random bits, not by which came first).
        created = [.. created.OrderByDescending(id => id)];
        var console = await ConsoleAsync();
        foreach (var first in new[] { $"/admin/money?user={user.Id}", $"/admin/money?type=adjustment&user={user.Id}" })
        {
            var page = await console.GetPageAsync(first);
            var ids = Ids(page);
            Assert.Equal(created.Take(50), ids);
            var next = page.QuerySelector("a[rel=next]")!.GetAttribute("href")!;
            var second = await console.GetPageAsync(next);
            Assert.Equal(created.Skip(50), Ids(second));
            Assert.Null(second.QuerySelector("a[rel=next]"));
            Assert.Equal(first.Replace("@", "%40", StringComparison.Ordinal), second.QuerySelectorAll("nav.pager a").Single(a => a.TextContent == "First page").GetAttribute("href"));
        }

        // Without a user: the keyset runs over every transaction, and nothing is skipped or repeated between pages.
        var everything = new List<Guid>();
        string? link = "/admin/money?type=adjustment";
        while (link is not null)
        {
            var page = await console.GetPageAsync(link);
            everything.AddRange(Ids(page));
            link = page.QuerySelector("a[rel=next]")?.GetAttribute("href");
        }

        Assert.Equal(everything.Count, everything.Distinct().Count());
        Assert.Equal(everything.OrderDescending(), everything);
        Assert.Superset(created.ToHashSet(), everything.ToHashSet());
    }

    private static List<Guid> Ids(IHtmlDocument page) =>
        page.QuerySelectorAll("[data-testid=transactions-table] tbody tr").Select(tr => Guid.Parse(tr.GetAttribute("data-transaction")!)).ToList();

    [Fact]
    public async Task A_transaction_page_shows_entries_that_sum_to_zero_and_a_reversal_posts_the_opposite_entries_once()
    {
        var fan = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        await app.FundAsync(fan.Id, 100);
        var gift = await GiftAsync(fan, creator);
        var console = await ConsoleAsync();
        var path = $"/admin/money/transactions/{gift}";

        var page = await console.GetPageAsync(path);
        Assert.Equal("Gift of 100 coins posted", Words(page.QuerySelector("h1")!.TextContent));
        var amounts = page.QuerySelectorAll("[data-testid=entries-table] tbody td:nth-child(2)").Select(td => td.TextContent).ToList();
        Assert.Equal(["−100", "+5", "+10", "+85"], amounts);
        Assert.Equal("0", page.QuerySelector("[data-testid=entries-sum]")!.TextContent);

        var reversed = await console.SubmitFormAsync(page, "form[action*='handler=Reverse']", new() { ["Reason"] = "chargeback on the card" }, path);
        Assert.Equal(HttpStatusCode.Redirect, reversed.StatusCode);
        page = await console.GetPageAsync(reversed.Headers.Location!.OriginalString);
        Assert.Contains("Reversed", page.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("reversed", page.QuerySelector("[data-testid=status]")!.TextContent);
        Assert.Null(page.QuerySelector("form[action*='handler=Reverse']"));
        Assert.Equal(100, await app.BalanceAsync(fan));
        Assert.Equal(0, await app.EarningsAsync(creator));

        var reversalId = Guid.Parse(page.QuerySelector("[data-testid=reversed-by]")!.TextContent);
        var reversal = await console.GetPageAsync($"/admin/money/transactions/{reversalId}");
        Assert.Equal("chargeback on the card", reversal.QuerySelector("[data-testid=memo]")!.TextContent);
        Assert.Contains("A reversal is not reversed", reversal.QuerySelector("main")!.TextContent, StringComparison.Ordinal);

        var entry = await app.WithDbAsync(db => db.Set<AuditEntry>().SingleAsync(e => e.Action == "wallet.transaction_reversed" && e.TargetId == gift.ToString()));
        Assert.Equal((await app.AdminAsync()).Id, entry.ActorId);
        Assert.Contains("chargeback on the card", entry.Details, StringComparison.Ordinal);

        // A second reversal (a stale tab, a forged post) is refused with the wallet's reason, and moves nothing.
        var again = await console.Http.PostAsync($"{path}?handler=Reverse", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = Token(page), ["Reason"] = "twice",
        }));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("already been reversed", (await ConsoleClient.ParseAsync(again)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<LedgerTransaction>().CountAsync(t => t.ReversesId == gift)));
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task A_reversal_that_would_take_a_balance_below_zero_says_so_keeps_the_reason_and_needs_allow_negative()
    {
        var fan = await app.CreateUserAsync();
        var creator = await app.CreatorAsync();
        var funding = await AdjustByApiAsync(fan.Id, 100);
        await GiftAsync(fan, creator); // the funded coins are spent
        var console = await ConsoleAsync();
        var path = $"/admin/money/transactions/{funding}";

        var refused = await console.SubmitAsync(path, "form[action*='handler=Reverse']", new() { ["Reason"] = "funded by mistake" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await ConsoleClient.ParseAsync(refused);
        Assert.Contains("below zero", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("details[open] form[action*='handler=Reverse']"));
        Assert.Equal("funded by mistake", page.QuerySelector("#reason")!.TextContent);
        Assert.Contains("field-error", page.QuerySelector("#allow-negative-hint")!.ClassName, StringComparison.Ordinal);
        Assert.Equal(0, await app.BalanceAsync(fan));

        var allowed = await console.SubmitFormAsync(page, "form[action*='handler=Reverse']", new() { ["Reason"] = "funded by mistake", ["AllowNegative"] = "true" }, path);
        Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        Assert.Equal(-100, await app.BalanceAsync(fan));
        var reversal = await app.WithDbAsync(db => db.Set<LedgerTransaction>().SingleAsync(t => t.ReversesId == funding));
        Assert.Contains("\"allowNegative\":true", reversal.Metadata, StringComparison.Ordinal);
        var entry = await app.WithDbAsync(db => db.Set<AuditEntry>().SingleAsync(e => e.Action == "wallet.transaction_reversed" && e.TargetId == funding.ToString()));
        Assert.Contains("\"allowNegative\":true", entry.Details, StringComparison.Ordinal);

        // Reconciliation reports the negative balance until it is made good.
        Assert.Contains((await app.ReconcileDirectAsync()).Mismatches, m => m.Kind == "negative_balance");
        await AdjustByApiAsync(fan.Id, 100);
        await app.AssertBalancedAsync();
    }

    [Fact]
    public async Task An_adjustment_is_reviewed_then_confirmed_and_the_same_form_sent_twice_moves_the_coins_once()
    {
        var user = await app.CreateUserAsync();
        var console = await ConsoleAsync();
        var form = await console.GetPageAsync($"/admin/money/adjust?user={user.Id}");
        Assert.Equal(user.Id.ToString(), form.QuerySelector("#user")!.GetAttribute("value"));

        var review = await console.SubmitFormAsync(form, "form[data-testid=adjustment-form]", new() { ["user"] = "@" + user.Handle, ["Amount"] = "250", ["Reason"] = "goodwill for the outage" }, "/admin/money/adjust");
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        var reviewPage = await ConsoleClient.ParseAsync(review);
        var card = reviewPage.QuerySelector("[data-testid=adjustment-review]")!;
        Assert.Contains($"Credit @{user.Handle}'s wallet +250 coins", card.TextContent, StringComparison.Ordinal);
        Assert.Contains("0 → 250", card.TextContent, StringComparison.Ordinal);
        Assert.Equal(0, await app.BalanceAsync(user)); // nothing moved by the review

        var confirmed = await console.SubmitFormAsync(reviewPage, "form[action*='handler=Confirm']", [], "/admin/money/adjust");
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        var transaction = confirmed.Headers.Location!.OriginalString;
        Assert.StartsWith("/admin/money/transactions/", transaction, StringComparison.Ordinal);
        var done = await console.GetPageAsync(transaction);
        Assert.Contains("credited 250 coins; the balance is now 250", done.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(250, await app.BalanceAsync(user));

        // The same confirmation again (a double click, a resent form): the first adjustment stands, nothing moves twice.
        var resent = await console.SubmitFormAsync(reviewPage, "form[action*='handler=Confirm']", [], "/admin/money/adjust");
        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        Assert.Equal(transaction, resent.Headers.Location!.OriginalString);
        Assert.Contains("already made", (await console.GetPageAsync(transaction)).QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);

        // The same key for another amount is refused.
        var altered = await console.SubmitFormAsync(reviewPage, "form[action*='handler=Confirm']", new() { ["Amount"] = "900" }, "/admin/money/adjust");
        Assert.Equal(HttpStatusCode.OK, altered.StatusCode);
        Assert.Contains("already used for a different adjustment", (await ConsoleClient.ParseAsync(altered)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);

        Assert.Equal(250, await app.BalanceAsync(user));
        var wallet = LedgerAccountRef.Wallet(user.Id).Id;
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<LedgerEntry>().CountAsync(e => e.AccountId == wallet)));
        var audit = await app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.Action == "wallet.adjusted" && e.TargetId == user.Id.ToString()).ToListAsync());
        Assert.Equal((await app.AdminAsync()).Id, Assert.Single(audit).ActorId);
        Assert.Contains("goodwill for the outage", audit[0].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_adjustment_says_what_failed_and_keeps_what_was_typed()
    {
        var user = await app.CreateUserAsync();
        var console = await ConsoleAsync();

        var invalid = await ConsoleClient.ParseAsync(await console.SubmitAsync("/admin/money/adjust", "form[data-testid=adjustment-form]",
            new() { ["user"] = "nobody-has-this-handle", ["Amount"] = "0", ["Reason"] = " " }));
        Assert.Equal("No account has the id, handle or email “nobody-has-this-handle”.", invalid.QuerySelector("#user-error")!.TextContent);
        Assert.Contains("other than 0", invalid.QuerySelector("#amount-error")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Give a reason", invalid.QuerySelector("#reason-error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("nobody-has-this-handle", invalid.QuerySelector("#user")!.GetAttribute("value"));
        Assert.Equal("0", invalid.QuerySelector("#amount")!.GetAttribute("value"));
        Assert.Null(invalid.QuerySelector("[data-testid=adjustment-review]"));

        // A debit the balance does not cover: the review warns, the wallet refuses, the form keeps the input.
        var review = await ConsoleClient.ParseAsync(await console.SubmitAsync("/admin/money/adjust", "form[data-testid=adjustment-form]",
            new() { ["user"] = user.Email, ["Amount"] = "-40", ["Reason"] = "clawback" }));
        Assert.Contains("will be refused", review.QuerySelector("[data-testid=adjustment-review]")!.TextContent, StringComparison.Ordinal);
        var refused = await console.SubmitFormAsync(review, "form[action*='handler=Confirm']", [], "/admin/money/adjust");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await ConsoleClient.ParseAsync(refused);
        Assert.Contains("The adjustment was not made: The user's balance does not cover this debit.", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("-40", page.QuerySelector("#amount")!.GetAttribute("value"));
        Assert.Equal("clawback", page.QuerySelector("#reason")!.TextContent);
        Assert.Equal("@" + user.Handle, page.QuerySelector("#user")!.GetAttribute("value"));
        Assert.Equal(0, await app.BalanceAsync(user));

        // The refusal freed the form's key: once the wallet is funded, the same confirmation goes through.
        await app.FundAsync(user.Id, 50);
        var retried = await console.SubmitFormAsync(review, "form[action*='handler=Confirm']", [], "/admin/money/adjust");
        Assert.Equal(HttpStatusCode.Redirect, retried.StatusCode);
        Assert.Equal(10, await app.BalanceAsync(user));
    }

    private async Task<Guid> AdjustByApiAsync(Guid userId, long amount)
    {
        var admin = await app.AdminAsync();
        var response = await admin.Client.PostMoneyAsync($"/api/v1/admin/wallets/{userId}/adjustments", new { amount, reason = "test funding" });
        return (await response.ShouldBeAsync(HttpStatusCode.Created)).GetProperty("transactionId").GetGuid();
    }

    private static string Words(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private static string Token(IHtmlDocument page) => page.QuerySelector("input[name=__csrf]")!.GetAttribute("value")!;
}
