using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Admin;

/// <summary>Who may open what in the console. Routes come from the endpoint data source, so a new page is covered without a new test.</summary>
public sealed class ConsoleAuthorizationTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private static readonly string[] AnonymousPages = ["/admin/assets/admin.css", "/admin/denied", "/admin/login"];

    [Fact]
    public async Task The_console_has_the_pages_this_suite_expects_and_only_sign_in_is_open_to_anyone()
    {
        var user = await app.CreateUserAsync();
        var routes = AdminTestData.ConsoleRoutes(app, user.Id, await AdminTestData.SomeTransactionAsync(app, user.Id));
        Assert.Contains(routes, r => r.Path == "/admin" && r.IsPage);
        Assert.Contains(routes, r => r.Path == "/admin/users" && r.IsPage);
        Assert.Contains(routes, r => r.Path == "/admin/settings" && r.IsPage && r.AdminOnly);
        Assert.Contains(routes, r => r.Path == "/admin/system" && r.IsPage && r.AdminOnly);
        foreach (var money in new[] { "/admin/money", "/admin/money/adjust", "/admin/money/reconciliation", "/admin/payouts" })
        {
            Assert.Contains(routes, r => r.Path == money && r.IsPage && r.AdminOnly);
        }

        Assert.Contains(routes, r => r.Path.StartsWith("/admin/money/transactions/", StringComparison.Ordinal) && r.IsPage && r.AdminOnly);
        Assert.Contains(routes, r => r.Path == "/admin/no-such-page" && r.IsPage); // the fallback: any other /admin address
        Assert.Equal(AnonymousPages, routes.Where(r => r.Anonymous).Select(r => r.Path).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Every_console_page_sends_a_logged_out_visitor_to_sign_in_and_every_handler_answers_401()
    {
        var user = await app.CreateUserAsync();
        var visitor = ConsoleClient.Anonymous(app);
        foreach (var route in AdminTestData.ConsoleRoutes(app, user.Id, await AdminTestData.SomeTransactionAsync(app, user.Id)).Where(r => !r.Anonymous))
        {
            var response = await visitor.Http.GetAsync(route.Path);
            if (route.IsPage)
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{route.Path}: {(int)response.StatusCode}");
                Assert.StartsWith("/admin/login?returnUrl=", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{route.Path}: {(int)response.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task A_user_with_an_api_token_is_a_stranger_to_the_console_even_when_an_admin()
    {
        var admin = await app.CreateAdminAsync();
        var client = ConsoleClient.Anonymous(app);
        client.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin.AccessToken);
        foreach (var route in AdminTestData.ConsoleRoutes(app, admin.Id, await AdminTestData.SomeTransactionAsync(app, admin.Id)).Where(r => !r.Anonymous))
        {
            var response = await client.Http.GetAsync(route.Path);
            Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized, $"{route.Path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Every_console_page_opens_for_an_admin()
    {
        var admin = await app.CreateAdminAsync();
        var console = await ConsoleClient.SignInAsync(app, admin);
        foreach (var route in AdminTestData.ConsoleRoutes(app, admin.Id, await AdminTestData.SomeTransactionAsync(app, admin.Id)))
        {
            var response = await console.Http.GetAsync(route.Path);
            var expected = route.Path switch
            {
                "/admin/denied" => HttpStatusCode.Forbidden,
                "/admin/no-such-page" or "/admin/not-found" => HttpStatusCode.NotFound,
                _ => HttpStatusCode.OK,
            };
            Assert.True(response.StatusCode == expected, $"{route.Path}: {(int)response.StatusCode} {response.Headers.Location}");
        }
    }

    [Fact]
    public async Task A_moderator_opens_the_staff_pages_and_is_refused_the_admin_pages()
    {
        var moderator = await app.CreateUserAsync(roles: "moderator");
        var console = await ConsoleClient.SignInAsync(app, moderator);
        foreach (var route in AdminTestData.ConsoleRoutes(app, moderator.Id, await AdminTestData.SomeTransactionAsync(app, moderator.Id)).Where(r => !r.Anonymous))
        {
            var response = await console.Http.GetAsync(route.Path);
            if (route.Path is "/admin/no-such-page" or "/admin/not-found")
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }
            else if (route.AdminOnly)
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{route.Path}: {(int)response.StatusCode}");
                Assert.StartsWith("/admin/denied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route.Path}: {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        await console.GetPageAsync("/admin/denied", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_moderator_sees_no_actions_on_a_user_page_and_a_forged_action_is_refused_with_403()
    {
        var moderator = await app.CreateUserAsync(roles: "moderator");
        var target = await app.CreateUserAsync();
        var console = await ConsoleClient.SignInAsync(app, moderator);
        var page = await console.GetPageAsync($"/admin/users/{target.Id}");
        Assert.Empty(page.QuerySelectorAll("form[action*=handler]"));
        Assert.Contains("Changing one needs an administrator", page.Body!.TextContent, StringComparison.Ordinal);

        // The antiforgery token of the page's sign-out form is valid for this moderator: each refusal is the role's.
        var token = page.QuerySelector("input[name=__csrf]")!.GetAttribute("value")!;
        foreach (var handler in new[] { "Ban", "Unban", "Roles", "Tier", "RevokeSessions", "ResetTwoFactor" })
        {
            var response = await console.Http.PostAsync($"/admin/users/{target.Id}?handler={handler}", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__csrf"] = token, ["Reason"] = "spam", ["Roles"] = "admin", ["Tier"] = "creator",
            }));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{handler}: {(int)response.StatusCode}");
        }

        var user = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == target.Id));
        Assert.Null(user.BannedAt);
        Assert.Equal("user", user.Roles);
        Assert.Equal("free", user.Tier);
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<Spotlight.Identity.Sessions.Session>().CountAsync(s => s.UserId == target.Id && s.RevokedAt == null)));
    }

    [Fact]
    public async Task A_signed_out_visitor_posting_a_console_form_is_sent_to_sign_in_and_nothing_changes()
    {
        var target = await app.CreateUserAsync();
        var visitor = ConsoleClient.Anonymous(app);
        var token = (await visitor.GetPageAsync("/admin/login")).QuerySelector("input[name=__csrf]")!.GetAttribute("value")!;
        foreach (var path in new[] { $"/admin/users/{target.Id}?handler=Ban", "/admin/settings?section=cors", "/admin/logout" })
        {
            var response = await visitor.Http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__csrf"] = token, ["Reason"] = "spam", ["Values[allowedOrigins]"] = "https://evil.example",
            }));
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path}: {(int)response.StatusCode}");
            Assert.StartsWith("/admin/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        Assert.Null(await app.WithDbAsync(db => db.Users.Where(u => u.Id == target.Id).Select(u => u.BannedAt).SingleAsync()));
    }

    [Fact]
    public async Task A_moderator_cannot_save_integration_settings()
    {
        var moderator = await app.CreateUserAsync(roles: "moderator");
        var console = await ConsoleClient.SignInAsync(app, moderator);
        var token = (await console.GetPageAsync("/admin")).QuerySelector("input[name=__csrf]")!.GetAttribute("value")!;
        var response = await console.Http.PostAsync("/admin/settings?section=cors",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__csrf"] = token, ["Values[allowedOrigins]"] = "https://evil.example" }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
