using System.Text.Json;
using Microsoft.Playwright;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.BrowserTests;

/// <summary>axe-core (npm, injected into each page) finds no serious or critical violation on any console page.</summary>
public sealed class AccessibilityTests(BrowserApp app) : BrowserTest(app), IClassFixture<BrowserApp>
{
    private static readonly Lazy<string> AxeSource = new(() => File.ReadAllText(FindAxe()));

    [BrowserFact(needsAxe: true)]
    public async Task No_console_page_has_a_serious_or_critical_accessibility_violation()
    {
        var admin = await App.CreateAdminAsync();
        var target = await App.CreateUserAsync(roles: "creator");
        var moderator = await App.CreateUserAsync(roles: "moderator");
        var (gift, _) = await SeedMoneyAsync(admin, target);

        var page = await App.NewPageAsync(bypassCsp: true);
        var problems = new List<string>();
        await CheckAsync(page, "/admin/login", "login", problems);
        await App.SignInAsync(page, admin);
        foreach (var (path, name) in new[]
        {
            ("/admin", "dashboard"), ("/admin/users", "users"), ($"/admin/users/{target.Id}", "user-detail"), ("/admin/audit", "audit"),
            ("/admin/settings", "settings"), ("/admin/system", "system"), ("/admin/2fa", "two-factor"), ("/admin/logout", "logout"),
            ("/admin/users?query=nobody-matches-this", "users-empty"), ("/admin/audit?from=not-a-date", "audit-invalid"),
            ("/admin/no-such-page", "not-found"), ($"/admin/users/{Guid.NewGuid()}", "user-missing"),
            ("/admin/money", "money"), ($"/admin/money?user={target.Id}", "money-user"), ("/admin/money?type=bogus&from=nope", "money-invalid"),
            ($"/admin/money?user={target.Id}&type=reversal", "money-empty"), ($"/admin/money/transactions/{gift}", "transaction"),
            ($"/admin/money/transactions/{Guid.NewGuid()}", "transaction-missing"), ("/admin/money/adjust", "adjust"),
            ("/admin/money/reconciliation", "reconciliation"), ("/admin/payouts", "payouts"), ("/admin/payouts?status=rejected", "payouts-empty"),
            ("/admin/passkeys", "passkeys"),
        })
        {
            await CheckAsync(page, path, name, problems);
        }

        // A failed save with its errors beside the fields.
        await page.GotoAsync("/admin/settings");
        await page.GetByLabel("Bucket").FillAsync("Not A Bucket");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Object storage" }).ClickAsync();
        await page.GetByRole(AriaRole.Alert).WaitForAsync();
        await RunAxeAsync(page, "settings-error", problems);

        // A transaction's reversal form open, an adjustment refused with its errors and one waiting for confirmation, a payout's forms open.
        await page.GotoAsync($"/admin/money/transactions/{gift}");
        await page.GetByText("Reverse this transaction…").ClickAsync();
        await RunAxeAsync(page, "transaction-reverse-open", problems);
        await page.GotoAsync("/admin/money/adjust");
        await page.GetByLabel("Amount (coins)").FillAsync("0");
        await page.GetByLabel("User").FillAsync("nobody-at-all");
        await page.GetByLabel("Reason (kept with the transaction and in the audit log)").FillAsync("x");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review adjustment" }).ClickAsync();
        await page.GetByRole(AriaRole.Alert).WaitForAsync();
        await RunAxeAsync(page, "adjust-errors", problems);
        await page.GetByLabel("User").FillAsync(target.Email);
        await page.GetByLabel("Amount (coins)").FillAsync("-5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Review adjustment" }).ClickAsync();
        await page.GetByTestId("adjustment-review").WaitForAsync();
        await RunAxeAsync(page, "adjust-review", problems);
        await page.GotoAsync("/admin/payouts");
        await page.GetByText("Reject…").First.ClickAsync();
        await page.GetByText("Approve…").First.ClickAsync();
        await RunAxeAsync(page, "payouts-open", problems);

        var moderatorPage = await App.NewPageAsync(bypassCsp: true);
        await App.SignInAsync(moderatorPage, moderator);
        await CheckAsync(moderatorPage, "/admin/denied", "denied", problems);
        await CheckAsync(moderatorPage, $"/admin/users/{target.Id}", "user-detail-moderator", problems);

        var phone = await App.NewPageAsync(bypassCsp: true, width: 390, height: 844);
        await App.SignInAsync(phone, admin);
        foreach (var (path, name) in new[]
        {
            ("/admin", "dashboard-phone-axe"), ("/admin/users", "users-phone"), ($"/admin/users/{target.Id}", "user-detail-phone"), ("/admin/audit", "audit-phone"),
            ("/admin/money", "money-phone"), ($"/admin/money/transactions/{gift}", "transaction-phone"), ("/admin/money/adjust", "adjust-phone"),
            ("/admin/money/reconciliation", "reconciliation-phone"), ("/admin/payouts", "payouts-phone"), ("/admin/settings", "settings-phone"),
            ("/admin/passkeys", "passkeys-phone"),
        })
        {
            await CheckAsync(phone, path, name, problems);
            // Wide tables scroll inside their own box: the page itself never scrolls sideways at a phone's width.
            if (!await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"))
            {
                problems.Add($"{name}: the page is wider than the phone ({await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px)");
            }
        }

        Assert.True(problems.Count == 0, "axe found:\n" + string.Join("\n", problems));
    }

    /// <summary>A gift from a funded fan to <paramref name="creator"/> and a payout request of theirs: rows for the money pages.</summary>
    private async Task<(Guid Gift, Guid Payout)> SeedMoneyAsync(TestUser admin, TestUser creator)
    {
        var fan = await App.CreateUserAsync();
        await PostMoneyAsync(admin, $"/api/v1/admin/wallets/{fan.Id}/adjustments", new { amount = 200, reason = "accessibility test funding" });
        var gift = await PostMoneyAsync(fan, "/api/v1/gifts", new { recipientId = creator.Id, giftId = "rocket", quantity = 2 });
        var payout = await PostMoneyAsync(creator, "/api/v1/creator/payouts", new { amount = 150 });
        return (gift.GetProperty("transactionId").GetGuid(), payout.GetProperty("id").GetGuid());
    }

    private static async Task<JsonElement> PostMoneyAsync(TestUser caller, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return await (await caller.Client.SendAsync(request)).ShouldBeAsync(System.Net.HttpStatusCode.Created);
    }

    private static async Task CheckAsync(IPage page, string path, string name, List<string> problems)
    {
        var response = await page.GotoAsync(path);
        Assert.NotNull(response);
        await RunAxeAsync(page, name, problems);
    }

    internal static async Task RunAxeAsync(IPage page, string name, List<string> problems)
    {
        await BrowserApp.ScreenshotAsync(page, "axe-" + name);
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = AxeSource.Value });
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
            }
            """);
        foreach (var violation in violations.EnumerateArray())
        {
            var impact = violation.GetProperty("impact").GetString();
            if (impact is "serious" or "critical")
            {
                problems.Add($"{name} ({page.Url}): {impact} {violation.GetProperty("id").GetString()}: {violation.GetProperty("help").GetString()} at {violation.GetProperty("targets")}");
            }
        }
    }

    private static string FindAxe() =>
        AxePath() ?? throw new FileNotFoundException("axe-core is not installed: run `npm ci` in tests/Spotlight.BrowserTests (.ci/run does).");

    /// <summary>axe-core's script from npm (node_modules beside the test project), or null when it is not installed.</summary>
    internal static string? AxePath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "node_modules", "axe-core", "axe.min.js");
            if (File.Exists(candidate))
            {
                return candidate;
            }

            var beside = Path.Combine(directory.FullName, "tests", "Spotlight.BrowserTests", "node_modules", "axe-core", "axe.min.js");
            if (File.Exists(beside))
            {
                return beside;
            }
        }

        return null;
    }
}
