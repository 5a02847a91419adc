using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

/// <summary>Each TOTP time step opens the account once, each recovery code once, and guessing codes counts toward the lockout.</summary>
public sealed class TwoFactorCodeTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private HttpClient Anonymous => app.CreateClientFrom(TestRemoteIp.NextAddress());

    private Task<HttpResponseMessage> LoginAsync(TestUser user, string? totpCode) =>
        Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password, totpCode });

    [Fact]
    public async Task Each_of_the_ten_recovery_codes_signs_in_once()
    {
        var user = await app.CreateUserAsync();
        var (_, recovery) = await TwoFactorSteps.EnableAsync(app, user);
        Assert.Equal(10, recovery.Count);

        foreach (var code in recovery)
        {
            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(user, code)).StatusCode);
            await (await LoginAsync(user, code)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_totp");
            // A refused second use is a failure; the next right code resets the count, so ten rounds never lock the account.
        }
    }

    [Fact]
    public async Task A_totp_code_signs_in_once_and_an_older_one_not_at_all()
    {
        var user = await app.CreateUserAsync();
        var (secret, _) = await TwoFactorSteps.EnableAsync(app, user);
        var code = TwoFactorSteps.Code(app, secret);

        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(user, code)).StatusCode);
        await (await LoginAsync(user, code)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_totp");

        // The code of the step before is still inside the drift window, but older than the one accepted.
        var previous = Totp.Code(secret, app.Clock.GetUtcNow().AddSeconds(-30));
        await (await LoginAsync(user, previous)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_totp");

        TwoFactorSteps.NextStep(app);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(user, TwoFactorSteps.Code(app, secret))).StatusCode);
    }

    [Fact]
    public async Task Two_logins_racing_with_one_code_get_one_session()
    {
        var user = await app.CreateUserAsync();
        var (secret, _) = await TwoFactorSteps.EnableAsync(app, user);
        var code = TwoFactorSteps.Code(app, secret);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => LoginAsync(user, code)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_code_that_enabled_two_factor_cannot_sign_in_or_disable_it()
    {
        var user = await app.CreateUserAsync();
        var setup = await (await user.Client.PostAsync("/api/v1/auth/2fa/setup", null)).ShouldBeAsync(HttpStatusCode.OK);
        var secret = setup.GetProperty("secret").GetString()!;
        var code = TwoFactorSteps.Code(app, secret);
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/enable", new { code })).StatusCode);

        await (await LoginAsync(user, code)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_totp");
        await (await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/disable", new { code })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/recovery-codes", new { code })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        TwoFactorSteps.NextStep(app);
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/disable", new { code = TwoFactorSteps.Code(app, secret) })).StatusCode);
    }

    [Fact]
    public async Task A_code_used_in_the_api_cannot_sign_in_to_the_console()
    {
        var admin = await app.CreateAdminAsync();
        var (secret, _) = await TwoFactorSteps.EnableAsync(app, admin);
        var code = TwoFactorSteps.Code(app, secret);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(admin, code)).StatusCode);

        var console = ConsoleClient.Anonymous(app);
        var replayed = await console.SignInAsync(admin.Email, admin.Password, () => code);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Contains("That code is wrong or expired", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Five_wrong_codes_on_disable_lock_the_account_and_then_the_right_code_gets_the_same_answer()
    {
        var user = await app.CreateUserAsync();
        var (secret, recovery) = await TwoFactorSteps.EnableAsync(app, user);
        var wrong = TwoFactorSteps.Code(app, secret) == "000000" ? "111111" : "000000";
        string? wrongBody = null;
        for (var i = 0; i < 5; i++)
        {
            var problem = await (await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/disable", new { code = wrong })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
            wrongBody = problem.GetProperty("errors").GetRawText();
        }

        var locked = await (await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/disable", new { code = TwoFactorSteps.Code(app, secret) }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(wrongBody, locked.GetProperty("errors").GetRawText());
        // Nothing was spent while locked: the recovery code still works once the lockout is over.
        await (await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/disable", new { code = recovery[0] })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        // The same counter as login: the password alone is refused too.
        await (await LoginAsync(user, TwoFactorSteps.Code(app, secret))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.True(await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.TwoFactorEnabled).SingleAsync()));

        app.Clock.Advance(TimeSpan.FromMinutes(15).Add(TimeSpan.FromSeconds(5)));
        var me = await app.CreateClientFrom(TestRemoteIp.NextAddress()).PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password, totpCode = recovery[0] });
        var tokens = (await me.Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        Assert.Equal(HttpStatusCode.NoContent, (await app.Authorized(tokens.AccessToken).PostAsJsonAsync("/api/v1/auth/2fa/disable", new { code = recovery[1] })).StatusCode);
    }

    [Fact]
    public async Task Enabling_two_factor_ends_the_other_sessions_and_keeps_this_one()
    {
        var user = await app.CreateUserAsync();
        var other = (await (await Anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }))
            .Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        await TwoFactorSteps.EnableAsync(app, user);

        await (await Anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = other.RefreshToken })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Authorized(other.AccessToken).GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/v1/me")).StatusCode); // the enrolment advanced the clock past the cache
        var refreshed = (await (await Anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = user.RefreshToken }))
            .ShouldBeAsync(HttpStatusCode.OK)).GetProperty("accessToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await app.Authorized(refreshed).GetAsync("/api/v1/me")).StatusCode);
    }
}
