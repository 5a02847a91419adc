using System.Text.Json;
using Microsoft.Playwright;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.BrowserTests;

/// <summary>axe-core (npm, injected into each page) finds no serious or critical violation on any console page.</summary>
public sealed class AccessibilityTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private static readonly Lazy<string> AxeSource = new(() => File.ReadAllText(FindAxe()));

    [Fact]
    public async Task No_console_page_has_a_serious_or_critical_accessibility_violation()
    {
        var admin = await app.CreateAdminAsync();
        var target = await app.CreateUserAsync(roles: "creator");
        var moderator = await app.CreateUserAsync(roles: "moderator");

        var page = await app.NewPageAsync(bypassCsp: true);
        var problems = new List<string>();
        await CheckAsync(page, "/admin/login", "login", problems);
        await app.SignInAsync(page, admin);
        foreach (var (path, name) in new[]
        {
            ("/admin", "dashboard"), ("/admin/users", "users"), ($"/admin/users/{target.Id}", "user-detail"), ("/admin/audit", "audit"),
            ("/admin/settings", "settings"), ("/admin/system", "system"), ("/admin/2fa", "two-factor"), ("/admin/logout", "logout"),
            ("/admin/users?query=nobody-matches-this", "users-empty"), ("/admin/audit?from=not-a-date", "audit-invalid"),
            ("/admin/no-such-page", "not-found"), ($"/admin/users/{Guid.NewGuid()}", "user-missing"),
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

        var moderatorPage = await app.NewPageAsync(bypassCsp: true);
        await app.SignInAsync(moderatorPage, moderator);
        await CheckAsync(moderatorPage, "/admin/denied", "denied", problems);
        await CheckAsync(moderatorPage, $"/admin/users/{target.Id}", "user-detail-moderator", problems);

        var phone = await app.NewPageAsync(bypassCsp: true, width: 390, height: 844);
        await app.SignInAsync(phone, admin);
        await CheckAsync(phone, "/admin", "dashboard-phone-axe", problems);
        await CheckAsync(phone, "/admin/users", "users-phone", problems);

        Assert.True(problems.Count == 0, "axe found:\n" + string.Join("\n", problems));
    }

    private static async Task CheckAsync(IPage page, string path, string name, List<string> problems)
    {
        var response = await page.GotoAsync(path);
        Assert.NotNull(response);
        await RunAxeAsync(page, name, problems);
    }

    private static async Task RunAxeAsync(IPage page, string name, List<string> problems)
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

    private static string FindAxe()
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

        throw new FileNotFoundException("axe-core is not installed: run `npm ci` in tests/Spotlight.BrowserTests (.ci/run does).");
    }
}
