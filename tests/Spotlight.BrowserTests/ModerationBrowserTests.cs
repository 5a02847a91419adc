using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.BrowserTests;

/// <summary>The console's Moderation page in Chromium, against the real server on a real port; one browser for the class.</summary>
public sealed class ModerationBrowserTests(BrowserApp app) : BrowserTest(app), IClassFixture<BrowserApp>
{
    [BrowserFact(needsAxe: true)]
    public async Task A_moderator_hides_a_reported_post_with_a_reason_and_the_queue_empties()
    {
        var (moderator, author) = (await App.CreateUserAsync(roles: "moderator"), await App.CreateUserAsync());
        var earlier = await App.CreateUserAsync();
        var post = (await (await author.Client.PostAsJsonAsync("/api/v1/posts", new { text = "Free coins at <b>totally-legit.example</b>", visibility = "public" }))
            .ShouldBeAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await (await earlier.Client.PostAsJsonAsync("/api/v1/reports", new { targetType = "user", targetId = author.Id, reason = "spam" })).ShouldBeAsync(HttpStatusCode.Created);
        foreach (var reason in new[] { "scam", "scam", "spam" })
        {
            var reporter = await App.CreateUserAsync();
            await (await reporter.Client.PostAsJsonAsync("/api/v1/reports", new { targetType = "post", targetId = post, reason })).ShouldBeAsync(HttpStatusCode.Created);
        }

        var page = await App.NewPageAsync();
        await App.SignInAsync(page, moderator);
        await page.GetByRole(AriaRole.Link, new() { Name = "Moderation" }).ClickAsync();
        await App.ExpectUrlAsync(page, $"{App.BaseUrl}/admin/moderation");
        var item = page.Locator("[data-case]").Filter(new() { HasText = "Post by @" + author.Handle });
        await Assertions.Expect(item.GetByTestId("report-count")).ToHaveTextAsync("3 reports");
        await Assertions.Expect(item.GetByTestId("preview")).ToHaveTextAsync("Free coins at <b>totally-legit.example</b>");
        await Assertions.Expect(item).ToContainTextAsync("scam × 2");
        await BrowserApp.ScreenshotAsync(page, "moderation-queue");

        var problems = new List<string>();
        var axePage = await App.NewPageAsync(bypassCsp: true);
        await App.SignInAsync(axePage, moderator);
        await axePage.GotoAsync("/admin/moderation");
        await axePage.GetByText("Decide…").First.ClickAsync();
        await AccessibilityTests.RunAxeAsync(axePage, "moderation-open", problems);

        await item.GetByText("Decide…").ClickAsync();
        await item.GetByLabel("Decision").SelectOptionAsync(new SelectOptionValue { Label = "Hide the content" });
        await item.GetByLabel("Reason (the author sees it; kept in the audit log)").FillAsync("Scam link");
        await item.GetByRole(AriaRole.Button, new() { Name = "Apply decision" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Decided: Hide the content");
        await Assertions.Expect(item).ToHaveCountAsync(0);
        await BrowserApp.ScreenshotAsync(page, "moderation-decided");

        // The account report is left; dismissing it empties the queue.
        var rest = page.Locator("[data-case]");
        await Assertions.Expect(rest).ToHaveCountAsync(1);
        await rest.GetByText("Decide…").ClickAsync();
        await rest.GetByLabel("Reason (the author sees it; kept in the audit log)").FillAsync("Nothing wrong with the account");
        await rest.GetByRole(AriaRole.Button, new() { Name = "Apply decision" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("queue-empty")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await App.CreateClient().GetAsync($"/api/v1/posts/{post}")).StatusCode);
        Assert.DoesNotContain(App.ConsoleErrors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));

        await axePage.GotoAsync("/admin/moderation");
        await AccessibilityTests.RunAxeAsync(axePage, "moderation-empty", problems);
        await axePage.GotoAsync("/admin/moderation?status=resolved");
        await AccessibilityTests.RunAxeAsync(axePage, "moderation-resolved", problems);
        Assert.True(problems.Count == 0, "axe found:\n" + string.Join("\n", problems));
    }
}
