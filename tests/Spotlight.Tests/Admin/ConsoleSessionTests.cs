using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Admin;

/// <summary>The console cookie is backed by a server-side session: ending it refuses every copy of the cookie.</summary>
public sealed class ConsoleSessionTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task Signing_out_ends_the_server_side_session_so_a_copied_cookie_is_refused()
    {
        var admin = await app.CreateAdminAsync();
        var (console, cookie) = await SignInAsync(app, admin);
        Assert.Equal(HttpStatusCode.OK, (await Replay(app, cookie, "/admin")).StatusCode);

        var signedOut = await console.SubmitAsync("/admin", "form[action='/admin/logout']", []);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);

        ShouldBeRefused(await Replay(app, cookie, "/admin"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Replay(app, cookie, "/admin/dashboard.json")).StatusCode);
    }

    public static TheoryData<string> Endings => ["ban", "moderator role removed", "password changed", "2fa reset", "all sessions ended"];

    [Theory]
    [MemberData(nameof(Endings))]
    public async Task A_console_session_ends_at_once_when_the_account_changes(string ending)
    {
        var admin = await app.CreateAdminAsync();
        var moderator = await app.CreateUserAsync("moderator");
        var (_, cookie) = await SignInAsync(app, moderator);
        Assert.Equal(HttpStatusCode.OK, (await Replay(app, cookie, "/admin")).StatusCode); // cached as live on this node

        var change = ending switch
        {
            "ban" => await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{moderator.Id}/ban", new { reason = "test" }),
            "moderator role removed" => await admin.Client.PutAsJsonAsync($"/api/v1/admin/users/{moderator.Id}/roles", new { roles = new[] { "user" } }),
            "password changed" => await moderator.Client.PostAsJsonAsync("/api/v1/auth/password/change", new { currentPassword = moderator.Password, newPassword = "an entirely new passphrase 42" }),
            "2fa reset" => await admin.Client.PostAsync($"/api/v1/admin/users/{moderator.Id}/2fa/reset", null),
            _ => await admin.Client.DeleteAsync($"/api/v1/admin/users/{moderator.Id}/sessions"),
        };
        Assert.True(change.IsSuccessStatusCode, $"{ending}: {(int)change.StatusCode} {await change.Content.ReadAsStringAsync()}");

        ShouldBeRefused(await Replay(app, cookie, "/admin"));
    }

    /// <summary>Signs in through the form and keeps the session cookie as an attacker would copy it.</summary>
    public static async Task<(ConsoleClient Console, string Cookie)> SignInAsync(SpotlightApp node, TestUser user)
    {
        var console = ConsoleClient.Anonymous(node);
        var response = await console.SignInAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookies = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])
            .Where(c => c.StartsWith("spotlight_admin", StringComparison.Ordinal) && !c.StartsWith("spotlight_admin_", StringComparison.Ordinal));
        return (console, string.Join("; ", cookies));
    }

    public static Task<HttpResponseMessage> Replay(SpotlightApp node, string cookie, string path)
    {
        var client = node.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }

    private static void ShouldBeRefused(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Expected a redirect to sign in, got {(int)response.StatusCode}");
        Assert.Contains("/admin/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}
