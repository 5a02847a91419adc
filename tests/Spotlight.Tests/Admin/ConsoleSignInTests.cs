using System.Net;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Admin;

public sealed class ConsoleSignInTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task An_admin_signs_in_and_lands_on_the_dashboard()
    {
        var admin = await app.CreateAdminAsync();
        var console = ConsoleClient.Anonymous(app);
        var response = await console.SignInAsync(admin.Email, admin.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin", response.Headers.Location!.OriginalString);
        var dashboard = await console.GetPageAsync("/admin");
        Assert.Equal(admin.Handle, dashboard.QuerySelector("[data-testid=signed-in-as]")!.TextContent.Trim());
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "admin.signed_in" && e.ActorId == admin.Id)));
    }

    [Fact]
    public async Task The_session_cookie_is_httponly_samesite_strict_and_only_sent_to_the_console()
    {
        var admin = await app.CreateAdminAsync();
        var console = ConsoleClient.Anonymous(app);
        var response = await console.SignInAsync(admin.Email, admin.Password);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("spotlight_admin=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/admin", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires=", cookie, StringComparison.OrdinalIgnoreCase); // a browser-session cookie; the server enforces expiry
    }

    [Fact]
    public async Task Pages_carry_a_content_security_policy_without_inline_script()
    {
        var admin = await app.CreateAdminAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);
        foreach (var path in new[] { "/admin/login", "/admin", "/admin/users" })
        {
            var response = await console.Http.GetAsync(path);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            var html = ConsoleClient.Parse(await response.Content.ReadAsStringAsync());
            Assert.All(html.QuerySelectorAll("script"), s => Assert.True(s.HasAttribute("src"), "inline script"));
            Assert.Empty(html.QuerySelectorAll("[style]"));
        }
    }

    [Fact]
    public async Task A_user_account_cannot_sign_in_to_the_console()
    {
        var user = await app.CreateUserAsync();
        var console = ConsoleClient.Anonymous(app);
        var response = await console.SignInAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("cannot use the admin console", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("spotlight_admin=", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Redirect, (await console.Http.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_keeps_the_email_and_says_what_failed()
    {
        var admin = await app.CreateAdminAsync();
        var response = await ConsoleClient.Anonymous(app).SignInAsync(admin.Email, "not the password at all");
        var page = await ConsoleClient.ParseAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The email or password is wrong.", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(admin.Email, page.QuerySelector("input[name=Email]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task An_empty_form_asks_for_email_and_password()
    {
        var response = await ConsoleClient.Anonymous(app).SubmitAsync("/admin/login", "form", new() { ["Email"] = "", ["Password"] = "" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Enter your email and password.", (await ConsoleClient.ParseAsync(response)).QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_passwords_in_the_console_count_toward_the_lockout_of_the_api()
    {
        var admin = await app.CreateAdminAsync();
        var console = ConsoleClient.Anonymous(app);
        for (var i = 0; i < 5; i++)
        {
            await console.SignInAsync(admin.Email, "wrong password " + i);
        }

        // Locked: the right password is refused in the console and by the API alike.
        var response = await ConsoleClient.Anonymous(app).SignInAsync(admin.Email, admin.Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The email or password is wrong.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var api = await app.CreateClient().PostAsync("/api/v1/auth/login",
            System.Net.Http.Json.JsonContent.Create(new { email = admin.Email, password = admin.Password }));
        await api.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task An_account_with_two_factor_needs_a_current_code_and_a_wrong_one_counts_as_a_failure()
    {
        var admin = await app.CreateAdminAsync();
        var secret = await AdminTestData.EnableTwoFactorAsync(app, admin);
        var console = ConsoleClient.Anonymous(app);

        var wrong = await console.SignInAsync(admin.Email, admin.Password, () => "000000" == Totp.Code(secret, app.Clock.GetUtcNow()) ? "111111" : "000000");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("That code is wrong or expired", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.Users.Where(u => u.Id == admin.Id).Select(u => u.AccessFailedCount).SingleAsync()));

        var right = await console.SignInAsync(admin.Email, admin.Password, () => Totp.Code(secret, app.Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        await console.GetPageAsync("/admin");
    }

    [Fact]
    public async Task The_code_step_cannot_be_skipped_with_a_made_up_ticket()
    {
        var admin = await app.CreateAdminAsync();
        await AdminTestData.EnableTwoFactorAsync(app, admin);
        var console = ConsoleClient.Anonymous(app);
        var response = await console.SubmitAsync("/admin/login", "form", new() { ["Ticket"] = "forged", ["Code"] = "123456" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await console.Http.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task A_form_post_without_a_valid_antiforgery_token_is_refused()
    {
        var admin = await app.CreateAdminAsync();
        var target = await app.CreateUserAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);
        var withoutToken = await console.Http.PostAsync($"/admin/users/{target.Id}?handler=Ban", new FormUrlEncodedContent(new Dictionary<string, string> { ["Reason"] = "spam" }));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        var forged = await console.Http.PostAsync($"/admin/users/{target.Id}?handler=Ban",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Reason"] = "spam", ["__csrf"] = "CfDJ8forged" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var loginWithoutToken = await ConsoleClient.Anonymous(app).Http.PostAsync("/admin/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = admin.Email, ["Password"] = admin.Password }));
        Assert.Equal(HttpStatusCode.BadRequest, loginWithoutToken.StatusCode);
        Assert.Null(await app.WithDbAsync(db => db.Users.Where(u => u.Id == target.Id).Select(u => u.BannedAt).SingleAsync()));
    }

    [Fact]
    public async Task Banning_an_admin_ends_their_console_session_at_once()
    {
        var admin = await app.CreateAdminAsync();
        var other = await app.CreateAdminAsync();
        var console = await ConsoleClient.SignInAsync(app, other);
        await console.GetPageAsync("/admin");
        var ban = await admin.Client.PostAsync($"/api/v1/admin/users/{other.Id}/ban", System.Net.Http.Json.JsonContent.Create(new { reason = "compromised" }));
        await ban.ShouldBeAsync(HttpStatusCode.OK);
        var response = await console.Http.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/admin/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Losing_the_admin_role_ends_the_console_session()
    {
        var admin = await app.CreateAdminAsync();
        var other = await app.CreateAdminAsync();
        var console = await ConsoleClient.SignInAsync(app, other);
        var demote = await admin.Client.PutAsync($"/api/v1/admin/users/{other.Id}/roles", System.Net.Http.Json.JsonContent.Create(new { roles = new[] { "user" } }));
        await demote.ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Redirect, (await console.Http.GetAsync("/admin/users")).StatusCode);
    }

    [Fact]
    public async Task A_session_ends_eight_hours_after_sign_in_however_active()
    {
        var admin = await app.CreateAdminAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);
        app.Clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1));
        try
        {
            var response = await console.Http.GetAsync("/admin");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
        finally
        {
            app.Clock.Advance(-(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1)));
        }
    }

    [Fact]
    public async Task A_session_idle_for_longer_than_the_idle_timeout_ends_and_activity_keeps_it_alive()
    {
        var admin = await app.CreateAdminAsync();
        var active = await ConsoleClient.SignInAsync(app, admin);
        var idle = await ConsoleClient.SignInAsync(app, admin);
        var shifted = TimeSpan.Zero;
        try
        {
            for (var i = 0; i < 3; i++)
            {
                app.Clock.Advance(TimeSpan.FromMinutes(20));
                shifted += TimeSpan.FromMinutes(20);
                await active.GetPageAsync("/admin/users"); // sliding: each request renews the 30 minutes
            }

            Assert.Equal(HttpStatusCode.Redirect, (await idle.Http.GetAsync("/admin/users")).StatusCode);
        }
        finally
        {
            app.Clock.Advance(-shifted);
        }
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var admin = await app.CreateAdminAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);
        var response = await console.SubmitAsync("/admin", "form[action='/admin/logout']", []);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await console.Http.GetAsync("/admin")).StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/admin")]
    [InlineData("//evil.example/admin")]
    [InlineData("/api/v1/me")]
    [InlineData("/admin\t//evil.example")]
    [InlineData("/admin\\evil.example")]
    [InlineData("/admin/\\\\evil.example")]
    [InlineData("/admin\r\nLocation: https://evil.example")]
    [InlineData("/admin\u0000")]
    [InlineData("/admin//evil.example")]
    [InlineData("/admin/..//evil.example")]
    [InlineData("/admin/../api/v1/me")]
    [InlineData("/admin/%2e%2e/api/v1/me")]
    [InlineData("/adminevil")]
    [InlineData("/admin@evil.example")]
    [InlineData("https:/admin")]
    [InlineData(" /admin")]
    [InlineData("/admin/login")]
    public async Task Sign_in_never_redirects_outside_the_console(string returnUrl)
    {
        var admin = await app.CreateAdminAsync();
        var console = ConsoleClient.Anonymous(app);
        var response = await console.SubmitAsync("/admin/login?returnUrl=" + Uri.EscapeDataString(returnUrl), "form",
            new() { ["Email"] = admin.Email, ["Password"] = admin.Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Sign_in_returns_to_the_console_page_that_asked_for_it()
    {
        var admin = await app.CreateAdminAsync();
        var console = ConsoleClient.Anonymous(app);
        var redirect = await console.Http.GetAsync("/admin/users?query=abc");
        var login = redirect.Headers.Location!.PathAndQuery;
        var response = await console.SubmitAsync(login, "form", new() { ["Email"] = admin.Email, ["Password"] = admin.Password });
        Assert.Equal("/admin/users?query=abc", response.Headers.Location!.OriginalString);
    }
}

/// <summary><c>Admin:RequireTwoFactor</c> on (the Production default): an admin without 2FA must enrol before anything else.</summary>
public sealed class ConsoleTwoFactorEnrolmentTests(ConsoleTwoFactorEnrolmentTests.RequireTwoFactorApp app) : IClassFixture<ConsoleTwoFactorEnrolmentTests.RequireTwoFactorApp>
{
    public sealed class RequireTwoFactorApp : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Admin:RequireTwoFactor"] = "true" };
    }

    [Fact]
    public async Task An_admin_without_two_factor_is_sent_to_enrol_and_gets_in_after_confirming_a_code()
    {
        var admin = await app.CreateAdminAsync();
        var console = ConsoleClient.Anonymous(app);
        var response = await console.SignInAsync(admin.Email, admin.Password);
        Assert.Equal("/admin/2fa", response.Headers.Location!.OriginalString);

        // Nothing else opens until enrolment is done.
        foreach (var path in new[] { "/admin", "/admin/users", "/admin/audit" })
        {
            var blocked = await console.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, blocked.StatusCode);
            Assert.Equal("/admin/2fa", blocked.Headers.Location!.OriginalString);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await console.Http.GetAsync("/admin/dashboard.json")).StatusCode);

        var page = await console.GetPageAsync("/admin/2fa");
        var secret = page.QuerySelector("[data-testid=totp-secret]")!.TextContent.Trim();
        var enrolled = await console.SubmitFormAsync(page, "form:not([action])", new() { ["code"] = Totp.Code(secret, app.Clock.GetUtcNow()) }, "/admin/2fa");
        var done = await ConsoleClient.ParseAsync(enrolled);
        Assert.Equal(10, done.QuerySelectorAll("[data-testid=recovery-codes] li").Length);
        Assert.True(await app.WithDbAsync(db => db.Users.Where(u => u.Id == admin.Id).Select(u => u.TwoFactorEnabled).SingleAsync()));
        await console.GetPageAsync("/admin");
    }
}
