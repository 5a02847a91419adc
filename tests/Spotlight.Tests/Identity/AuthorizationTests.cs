using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

public sealed class AuthorizationTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task Every_admin_route_refuses_anonymous_callers_with_401_and_users_and_moderators_with_403()
    {
        var user = await app.CreateUserAsync(roles: "creator", tier: "creator");
        var moderator = await app.CreateUserAsync(roles: "moderator");
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1/admin", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Path: Concrete(e.RoutePattern.RawText!))))
            .ToList();
        Assert.True(routes.Count >= 8, $"only {routes.Count} admin routes found");

        foreach (var (method, path) in routes)
        {
            var anonymous = await app.CreateClient().SendAsync(Request(method, path));
            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)anonymous.StatusCode} to an anonymous caller");
            // The moderation queue is staff work: moderators are let in there (ResolveTests covers it), users are not.
            var staffRoute = path.StartsWith("/api/v1/admin/reports", StringComparison.Ordinal);
            foreach (var caller in staffRoute ? new[] { user } : new[] { user, moderator })
            {
                var response = await caller.Client.SendAsync(Request(method, path));
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} answered {(int)response.StatusCode} to roles {string.Join(",", caller.Handle)}");
                await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            }
        }

        static string Concrete(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern, @"\{[^}]+\}", Guid.NewGuid().ToString());

        static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
        {
            Content = method is "POST" or "PUT" or "PATCH" ? JsonContent.Create(new { }) : null,
        };
    }

    [Fact]
    public async Task A_user_cannot_list_or_revoke_another_users_sessions()
    {
        var alice = await app.CreateUserAsync();
        var bob = await app.CreateUserAsync();
        var bobSessions = (await (await bob.Client.GetAsync("/api/v1/auth/sessions")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items");
        var bobSession = bobSessions[0].GetProperty("id").GetString();
        Assert.True(bobSessions[0].GetProperty("current").GetBoolean());

        var aliceSessions = (await (await alice.Client.GetAsync("/api/v1/auth/sessions")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.DoesNotContain(aliceSessions.EnumerateArray(), s => s.GetProperty("id").GetString() == bobSession);
        await (await alice.Client.DeleteAsync($"/api/v1/auth/sessions/{bobSession}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await bob.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Revoking_one_of_my_sessions_ends_that_device_only()
    {
        var user = await app.CreateUserAsync();
        var laptop = (await (await app.CreateClientFrom(TestRemoteIp.NextAddress()).PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }))
            .Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        var sessions = (await (await user.Client.GetAsync("/api/v1/auth/sessions")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Equal(2, sessions.GetArrayLength());
        var laptopSession = sessions.EnumerateArray().Single(s => !s.GetProperty("current").GetBoolean()).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.DeleteAsync($"/api/v1/auth/sessions/{laptopSession}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Authorized(laptop.AccessToken).GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = laptop.RefreshToken })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Only_admins_change_roles_and_tiers_every_change_is_audited_and_the_old_token_stops_working()
    {
        var admin = await app.CreateAdminAsync();
        var user = await app.CreateUserAsync();
        var roles = await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/users/{user.Id}/roles", new { roles = new[] { "creator" } })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(["user", "creator"], roles.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var tier = await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/users/{user.Id}/tier", new { tier = "premium" })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("premium", tier.GetProperty("tier").GetString());

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
        var fresh = (await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        Assert.Contains("creator", fresh.User.Roles);
        Assert.Equal("premium", fresh.User.Tier);

        var audited = await app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.TargetId == user.Id.ToString()).Select(e => new { e.Action, e.ActorId }).ToListAsync());
        Assert.Contains(audited, e => e.Action == "user.roles_changed" && e.ActorId == admin.Id);
        Assert.Contains(audited, e => e.Action == "user.tier_changed" && e.ActorId == admin.Id);

        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/users/{user.Id}/roles", new { roles = new[] { "emperor" } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/users/{admin.Id}/roles", new { roles = new[] { "user" } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "cannot_demote_self");
    }

    [Fact]
    public async Task Admins_search_users_by_email_or_handle_in_pages()
    {
        var admin = await app.CreateAdminAsync();
        var prefix = "srch" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 3; i++)
        {
            await app.CreateClientFrom(TestRemoteIp.NextAddress()).PostAsJsonAsync("/api/v1/auth/register", new { email = $"{prefix}{i}@example.com", password = "a long passphrase here", handle = $"{prefix}_{i}" });
        }

        var first = await (await admin.Client.GetAsync($"/api/v1/admin/users?query={prefix.ToUpperInvariant()}&limit=2")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await admin.Client.GetAsync($"/api/v1/admin/users?query={prefix}&limit=2&cursor={cursor}")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        var handles = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(u => u.GetProperty("handle").GetString()).ToList();
        Assert.Equal(3, handles.Distinct().Count());

        await (await admin.Client.GetAsync("/api/v1/admin/users?limit=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await admin.Client.GetAsync("/api/v1/admin/users?cursor=garbage")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}
