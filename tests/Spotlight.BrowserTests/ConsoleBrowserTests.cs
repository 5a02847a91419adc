using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.BrowserTests;

/// <summary>The admin console in Chromium, against the real server on a real port; one browser for the class.</summary>
public sealed class ConsoleBrowserTests(BrowserApp app) : BrowserTest(app), IClassFixture<BrowserApp>
{
    [BrowserFact]
    public async Task An_admin_signs_in_with_a_totp_code()
    {
        var admin = await App.CreateAdminAsync();
        var secret = await App.EnableTwoFactorAsync(admin);
        var page = await App.NewPageAsync();
        await page.GotoAsync("/admin");
        Assert.Contains("/admin/login", page.Url, StringComparison.Ordinal);

        await page.GetByLabel("Email").FillAsync(admin.Email);
        await page.GetByLabel("Password").FillAsync(admin.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var code = page.GetByLabel("Authentication code");
        await code.WaitForAsync();
        await BrowserApp.ScreenshotAsync(page, "login-code");
        await code.FillAsync(Totp.Code(secret, App.Clock.GetUtcNow()));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and sign in" }).ClickAsync();

        await App.ExpectUrlAsync(page, $"{App.BaseUrl}/admin");
        Assert.Equal(admin.Handle, (await page.GetByTestId("signed-in-as").TextContentAsync())?.Trim());
        Assert.DoesNotContain(App.ConsoleErrors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));
    }

    [BrowserFact]
    public async Task The_dashboard_shows_the_seeded_numbers_and_an_svg_chart()
    {
        var admin = await App.CreateAdminAsync();
        for (var i = 0; i < 3; i++)
        {
            await App.CreateUserAsync();
        }

        var page = await App.NewPageAsync();
        await App.SignInAsync(page, admin);
        var (total, today) = await App.WithDbAsync(async db =>
        {
            var midnight = App.Clock.GetUtcNow().UtcDateTime.Date;
            return (await db.Users.CountAsync(), await db.Users.CountAsync(u => u.CreatedAt >= midnight));
        });
        await page.GotoAsync("/admin");
        Assert.Equal(total.ToString("N0", CultureInfo.InvariantCulture), await page.Locator("[data-tile='users.total']").TextContentAsync());
        Assert.Equal(today.ToString("N0", CultureInfo.InvariantCulture), await page.Locator("[data-tile='users.newToday']").TextContentAsync());
        Assert.True(total >= 4);

        var chart = page.Locator("svg[data-chart='users.registrationsPerDay']");
        Assert.True(await chart.IsVisibleAsync());
        Assert.Equal(30, await chart.Locator("rect.bar").CountAsync());
        Assert.Equal(today.ToString(CultureInfo.InvariantCulture), await chart.Locator("rect.bar").Last.GetAttributeAsync("data-value"));
        var box = await chart.BoundingBoxAsync();
        Assert.True(box!.Width > 200 && box.Height > 80, "the chart is drawn at a readable size");
        await BrowserApp.ScreenshotAsync(page, "dashboard");

        // The page's script polls the counters: a registration shows up without a reload.
        var before = await page.Locator("[data-tile='users.total']").TextContentAsync();
        await App.CreateUserAsync();
        var after = await App.WithDbAsync(db => db.Users.CountAsync());
        await Assertions.Expect(page.Locator("[data-tile='users.total']")).ToHaveTextAsync(after.ToString("N0", CultureInfo.InvariantCulture), new() { Timeout = 30_000 }); // as long as any other wait here: a loaded machine may be slow to poll
        Assert.NotEqual(before, after.ToString("N0", CultureInfo.InvariantCulture));

        // Down to a phone's width the page still fits: nothing scrolls sideways.
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"));
        await BrowserApp.ScreenshotAsync(page, "dashboard-phone");
    }

    [BrowserFact]
    public async Task Banning_a_user_in_the_console_stops_their_api_token()
    {
        var admin = await App.CreateAdminAsync();
        var target = await App.CreateUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await target.Client.GetAsync("/api/v1/me")).StatusCode);

        var page = await App.NewPageAsync();
        await App.SignInAsync(page, admin);
        await page.GotoAsync("/admin/users");
        await BrowserApp.ScreenshotAsync(page, "users");
        await page.GetByLabel("Search by email or handle").FillAsync(target.Handle);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await App.ExpectUrlAsync(page, "**/admin/users?query=*"); // the unfiltered list has the same link: wait for the results
        await page.GetByRole(AriaRole.Link, new() { Name = "@" + target.Handle }).ClickAsync();
        await App.ExpectUrlAsync(page, $"**/admin/users/{target.Id}");

        await page.GetByText("Ban this account…").ClickAsync();
        await page.GetByLabel("Reason (kept in the audit log)").FillAsync("spam in comments");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm ban" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).WaitForAsync();
        Assert.Contains("was banned", await page.GetByRole(AriaRole.Status).TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("banned", await page.GetByTestId("status").TextContentAsync());
        await BrowserApp.ScreenshotAsync(page, "user-detail");

        Assert.Equal(HttpStatusCode.Unauthorized, (await target.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    [BrowserFact]
    public async Task A_saved_stripe_secret_is_shown_masked_and_its_change_is_in_the_audit_log()
    {
        var admin = await App.CreateAdminAsync();
        var page = await App.NewPageAsync();
        await App.SignInAsync(page, admin);
        await page.GetByRole(AriaRole.Link, new() { Name = "Integrations" }).ClickAsync();
        await page.GetByLabel("Stripe secret key").FillAsync("sk_live_browserTestSecretA1b2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save Payments" }).ClickAsync();
        await page.GetByRole(AriaRole.Status).WaitForAsync();

        Assert.Equal("••••••••A1b2", await page.GetByTestId("masked-payments-stripeSecretKey").TextContentAsync());
        Assert.Equal("", await page.GetByLabel("Stripe secret key").InputValueAsync());
        Assert.DoesNotContain("browserTestSecret", await page.ContentAsync(), StringComparison.Ordinal);
        await BrowserApp.ScreenshotAsync(page, "settings");

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await page.GetByLabel("Action").FillAsync("settings.changed");
        await page.GetByLabel("Actor").FillAsync(admin.Handle);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        // The filtered page is there once its address carries the filter (committed, not necessarily fully loaded) and its
        // table shows the one matching entry; both waits retry, so a slow machine only makes them take longer.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/admin/audit\?.*action=settings\.changed"));
        var rows = page.Locator("[data-testid=audit-table] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        Assert.Contains("payments.stripeSecretKey", await rows.First.TextContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("browserTestSecret", await page.ContentAsync(), StringComparison.Ordinal);
        await BrowserApp.ScreenshotAsync(page, "audit");
        Assert.True(await App.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "settings.changed" && e.TargetId == "payments.stripeSecretKey")));
    }

    [BrowserFact]
    public async Task A_non_admin_cannot_get_in()
    {
        var user = await App.CreateUserAsync();
        var page = await App.NewPageAsync();
        await page.GotoAsync("/admin/users");
        Assert.Contains("/admin/login", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Alert).WaitForAsync();
        Assert.Contains("cannot use the admin console", await page.GetByRole(AriaRole.Alert).TextContentAsync(), StringComparison.Ordinal);
        await page.GotoAsync("/admin");
        Assert.Contains("/admin/login", page.Url, StringComparison.Ordinal);
        await BrowserApp.ScreenshotAsync(page, "login-refused");
    }
}
