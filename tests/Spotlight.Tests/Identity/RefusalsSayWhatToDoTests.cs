using System.Net;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

/// <summary>A 401 or 403 tells the app what to do next: sign in, refresh the token, or which role the route needs.</summary>
public sealed class RefusalsSayWhatToDoTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task A_call_without_a_token_is_told_to_sign_in()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/me");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("Authorization: Bearer", problem.GetProperty("detail").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_token_minted_before_a_role_change_is_called_stale_and_a_new_sign_in_carries_the_role()
    {
        var admin = await app.CreateAdminAsync();
        var user = await app.CreateUserAsync();
        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/users/{user.Id}/roles", new { roles = new[] { "creator" } })).ShouldBeAsync(HttpStatusCode.OK);

        var stale = await user.Client.GetAsync("/api/v1/me");

        var problem = await stale.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "token_stale");
        Assert.Contains("/api/v1/auth/refresh", problem.GetProperty("detail").GetString());
        Assert.Equal("Bearer error=\"invalid_token\"", stale.Headers.WwwAuthenticate.ToString());
        var fresh = (await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }))
            .Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        Assert.Equal(HttpStatusCode.OK, (await app.Authorized(fresh.AccessToken).GetAsync("/api/v1/creator/earnings")).StatusCode);
    }

    [Fact]
    public async Task A_signed_out_token_is_stale_too()
    {
        var user = await app.CreateUserAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = user.RefreshToken })).StatusCode);

        await (await user.Client.GetAsync("/api/v1/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "token_stale");
    }

    [Fact]
    public async Task A_route_for_creators_names_the_role_it_needs_and_the_roles_the_token_has()
    {
        var user = await app.CreateUserAsync();

        var problem = await (await user.Client.GetAsync("/api/v1/creator/earnings")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("'creator'", detail);
        Assert.Contains("'user'", detail);
        Assert.Contains("/api/v1/auth/refresh", detail);
    }
}
