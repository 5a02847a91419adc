using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Spotlight.Tests.Admin;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Realtime;

namespace Spotlight.Tests.Identity;

/// <summary>
/// Two nodes on one PostgreSQL database: a session ended on one is refused on the other within about a second (the
/// eviction travels by NOTIFY), not after the other node's 30-second cache runs out. The clock never moves here.
/// </summary>
public sealed class SessionRevocationAcrossNodesTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(1.5);

    [PostgresFact]
    public async Task An_api_session_revoked_on_one_node_is_refused_on_the_other_within_a_second()
    {
        var user = await nodes.First.CreateUserAsync();
        var onSecond = nodes.Second.Authorized(user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync("/api/v1/me")).StatusCode); // cached as live on node 2

        var sessions = await (await user.Client.GetAsync("/api/v1/auth/sessions")).ShouldBeAsync(HttpStatusCode.OK);
        var current = sessions.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("current").GetBoolean()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync($"/api/v1/auth/sessions/{current}")).StatusCode);

        await WithinAsync(Promptly, async () => (await onSecond.GetAsync("/api/v1/me")).StatusCode == HttpStatusCode.Unauthorized);
    }

    [PostgresFact]
    public async Task A_ban_on_one_node_ends_the_users_tokens_on_the_other_within_a_second()
    {
        var admin = await nodes.First.CreateAdminAsync();
        var user = await nodes.First.CreateUserAsync();
        var onSecond = nodes.Second.Authorized(user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync("/api/v1/me")).StatusCode);

        await (await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{user.Id}/ban", new { reason = "spam" })).ShouldBeAsync(HttpStatusCode.OK);

        await WithinAsync(Promptly, async () => (await onSecond.GetAsync("/api/v1/me")).StatusCode == HttpStatusCode.Unauthorized);
    }

    [PostgresFact]
    public async Task A_console_cookie_signed_out_on_one_node_is_refused_on_the_other_within_a_second()
    {
        var admin = await nodes.First.CreateAdminAsync();
        var (console, cookie) = await ConsoleSessionTests.SignInAsync(nodes.First, admin);
        Assert.Equal(HttpStatusCode.OK, (await ConsoleSessionTests.Replay(nodes.Second, cookie, "/admin")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await console.SubmitAsync("/admin", "form[action='/admin/logout']", [])).StatusCode);

        await WithinAsync(Promptly, async () => (await ConsoleSessionTests.Replay(nodes.Second, cookie, "/admin")).StatusCode == HttpStatusCode.Redirect);
    }

    private static async Task WithinAsync(TimeSpan limit, Func<Task<bool>> refused)
    {
        var watch = Stopwatch.StartNew();
        while (!await refused())
        {
            Assert.True(watch.Elapsed < limit, $"Still accepted after {watch.Elapsed.TotalSeconds:0.0} s");
            await Task.Delay(50);
        }
    }
}
