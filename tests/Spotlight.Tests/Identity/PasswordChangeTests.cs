using System.Net;
using System.Net.Http.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

public sealed class PasswordChangeTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private HttpClient Anonymous => app.CreateClientFrom(TestRemoteIp.NextAddress());

    [Fact]
    public async Task Changing_the_password_ends_the_other_sessions_and_keeps_this_one()
    {
        var user = await app.CreateUserAsync();
        var other = (await (await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }))
            .Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PostAsJsonAsync("/api/v1/auth/password/change", new { currentPassword = user.Password, newPassword = "copper thistle quarry 28" })).StatusCode);

        await (await Anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = other.RefreshToken })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Authorized(other.AccessToken).GetAsync("/api/v1/me")).StatusCode);
        // Past the session-state cache: this device's access token was made under the old stamp and still works.
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
        var refreshed = (await (await Anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = user.RefreshToken }))
            .ShouldBeAsync(HttpStatusCode.OK)).GetProperty("accessToken").GetString()!;
        var sessions = await (await app.Authorized(refreshed).GetAsync("/api/v1/auth/sessions")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Single(sessions.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Five_wrong_current_passwords_lock_the_account_and_then_the_right_one_gets_the_same_answer()
    {
        var user = await app.CreateUserAsync();
        string? wrongBody = null;
        for (var i = 0; i < 5; i++)
        {
            var wrong = await user.Client.PostAsJsonAsync("/api/v1/auth/password/change", new { currentPassword = "not the password!", newPassword = "copper thistle quarry 28" });
            wrongBody = (await wrong.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors").GetRawText();
        }

        var locked = await user.Client.PostAsJsonAsync("/api/v1/auth/password/change", new { currentPassword = user.Password, newPassword = "copper thistle quarry 28" });
        Assert.Equal(wrongBody, (await locked.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors").GetRawText());
        await (await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");

        app.Clock.Advance(TimeSpan.FromMinutes(15).Add(TimeSpan.FromSeconds(5)));
        Assert.Equal(HttpStatusCode.OK, (await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
    }

    [Fact]
    public async Task The_session_list_is_a_page()
    {
        var user = await app.CreateUserAsync();
        var page = await (await user.Client.GetAsync("/api/v1/auth/sessions")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        var only = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.True(only.GetProperty("current").GetBoolean());
    }
}
