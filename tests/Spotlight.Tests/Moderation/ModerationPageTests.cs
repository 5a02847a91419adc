using System.Net;
using AngleSharp.Html.Dom;
using Spotlight.Tests.Content.Posts;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Messaging;
using static Spotlight.Tests.Moderation.Moderation;

namespace Spotlight.Tests.Moderation;

/// <summary>The console's Moderation page over HTTP: what it shows of an item, its decisions one by one and in bulk, who may open it.</summary>
public sealed class ModerationPageTests(PostsApp app) : IClassFixture<PostsApp>
{
    [Fact]
    public async Task A_moderator_sees_an_item_with_its_count_reasons_text_as_text_and_the_authors_history()
    {
        var (moderator, author, friend) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        var earlier = await ReportedCaseAsync(friend, moderator, "user", author.Id, "spam");
        await (await ResolveAsync(moderator, earlier, "warn", "First warning")).ShouldBeAsync(HttpStatusCode.OK);
        var post = await PostsApp.PostIdAsync(author, new { text = "<script>alert('x')</script><img src=x onerror=alert(1)> win coins", visibility = "public" });
        await (await ReportAsync(friend, "post", post, "scam")).ShouldBeAsync(HttpStatusCode.Created);
        await (await ReportAsync(await app.CreateUserAsync(), "post", post, "spam")).ShouldBeAsync(HttpStatusCode.Created);
        var caseId = (await OpenCaseAsync(moderator, "post", post))!.Value.GetProperty("id").GetGuid();
        var console = await ConsoleClient.SignInAsync(app, moderator);

        var page = await console.GetPageAsync("/admin/moderation");

        var item = page.QuerySelector($"[data-case='{caseId}']")!;
        Assert.Equal("2 reports", item.QuerySelector("[data-testid=report-count]")!.TextContent.Trim());
        Assert.Contains("scam × 1", item.TextContent, StringComparison.Ordinal);
        Assert.Contains("spam × 1", item.TextContent, StringComparison.Ordinal);
        var preview = item.QuerySelector("[data-testid=preview]")!;
        Assert.Equal("<script>alert('x')</script><img src=x onerror=alert(1)> win coins", preview.TextContent);
        Assert.Empty(preview.Children); // shown as text, never as markup
        Assert.Null(item.QuerySelector("script"));
        Assert.DoesNotContain(item.QuerySelectorAll("img"), i => i.GetAttribute("src") == "x");
        Assert.Contains("First warning", item.QuerySelector("[data-testid=history]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("nav a[href='/admin/moderation'][aria-current=page]"));
        Assert.Null(page.QuerySelector("nav a[href='/admin/money']")); // a moderator's nav has no money
    }

    [Fact]
    public async Task A_decision_on_the_page_resolves_the_item_and_a_missing_reason_is_refused_with_the_form_kept()
    {
        var (moderator, reporter, author) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(author, reporter);
        var message = (await Chat.PostAsync(author, conversation, "send me your password")).GetProperty("id").GetGuid();
        var caseId = await ReportedCaseAsync(reporter, moderator, "message", message, "scam");
        var console = await ConsoleClient.SignInAsync(app, moderator);
        var page = await console.GetPageAsync("/admin/moderation");
        var form = $"[data-case='{caseId}'] form";

        var refused = await console.SubmitFormAsync(page, form, new() { ["Decision"] = "remove", ["Reason"] = " " });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var again = await ConsoleClient.ParseAsync(refused);
        Assert.NotNull(again.QuerySelector("[role=alert]"));
        Assert.NotNull(await OpenCaseAsync(moderator, "message", message));

        var done = await console.SubmitFormAsync(page, form, new() { ["Decision"] = "remove", ["Reason"] = "Phishing" });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Null(await OpenCaseAsync(moderator, "message", message));
        Assert.Equal(JsonValueKindNull, (await Chat.HistoryAsync(reporter, conversation)).Single(m => m.GetProperty("id").GetGuid() == message).GetProperty("text").ValueKind);
        var after = await console.GetPageAsync("/admin/moderation");
        Assert.Contains("Decided", after.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(after.QuerySelector($"[data-case='{caseId}']"));
        Assert.NotNull((await console.GetPageAsync("/admin/moderation?status=resolved")).QuerySelector($"[data-case='{caseId}']"));
    }

    [Fact]
    public async Task Several_selected_items_are_decided_with_one_bulk_action()
    {
        var (moderator, reporter) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync());
        var targets = new[] { await app.CreateUserAsync(), await app.CreateUserAsync() };
        var ids = new List<Guid>();
        foreach (var target in targets)
        {
            ids.Add(await ReportedCaseAsync(reporter, moderator, "user", target.Id));
        }

        var console = await ConsoleClient.SignInAsync(app, moderator);
        var page = await console.GetPageAsync("/admin/moderation");
        foreach (var id in ids)
        {
            Assert.NotNull(page.QuerySelector($"input[type=checkbox][name=Ids][value='{id}'][form=bulk]"));
        }

        var token = ((IHtmlInputElement)page.QuerySelector("#bulk input[name=__csrf]")!).Value;
        var response = await console.Http.PostAsync("/admin/moderation?handler=Bulk", new FormUrlEncodedContent(
        [
            new("__csrf", token), new("Ids", ids[0].ToString()), new("Ids", ids[1].ToString()), new("Decision", "warn"), new("Reason", "Spam wave"),
        ]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        foreach (var target in targets)
        {
            Assert.Null(await OpenCaseAsync(moderator, "user", target.Id));
            Assert.Equal("Spam wave", (await NotificationAsync(target, "moderation", target.Id)).GetProperty("data").GetProperty("reason").GetString());
        }

        Assert.Contains("Decided 2 of 2", (await console.GetPageAsync("/admin/moderation")).QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_moderator_opens_moderation_but_not_money_and_a_plain_user_cannot_sign_in()
    {
        var (moderator, user) = (await app.CreateUserAsync("moderator"), await app.CreateUserAsync());
        var console = await ConsoleClient.SignInAsync(app, moderator);

        await console.GetPageAsync("/admin/moderation");
        var money = await console.Http.GetAsync("/admin/money");
        Assert.Equal(HttpStatusCode.Redirect, money.StatusCode);
        Assert.StartsWith("/admin/denied", money.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        var outsider = ConsoleClient.Anonymous(app);
        Assert.NotEqual(HttpStatusCode.Redirect, (await outsider.SignInAsync(user.Email, user.Password)).StatusCode);
        var anonymous = await outsider.Http.GetAsync("/admin/moderation");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/admin/login", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
