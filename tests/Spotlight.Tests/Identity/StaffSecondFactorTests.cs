using System.Net;
using System.Net.Http.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Wallet;

namespace Spotlight.Tests.Identity;

/// <summary>
/// <c>Admin:RequireTwoFactor</c> on: the admin API, not only the console, needs a sign-in with a second factor, which the
/// access token's <c>amr</c> claim (RFC 8176) records and refreshed tokens keep.
/// </summary>
public sealed class StaffSecondFactorTests(StaffSecondFactorTests.RequireTwoFactorApp app) : IClassFixture<StaffSecondFactorTests.RequireTwoFactorApp>
{
    public sealed class RequireTwoFactorApp : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Admin:RequireTwoFactor"] = "true" };
    }

    [Fact]
    public async Task An_admin_signed_in_with_a_password_alone_gets_403_two_factor_required_from_the_admin_api_but_may_use_ordinary_routes()
    {
        var admin = await app.CreateAdminAsync();
        var other = await app.CreateUserAsync();
        Assert.Equal(["pwd"], Amr(admin.AccessToken));

        var adjustment = await admin.Client.PostMoneyAsync($"/api/v1/admin/wallets/{other.Id}/adjustments", new { amount = 1_000, reason = "no second factor" });
        var problem = await adjustment.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "two_factor_required");
        Assert.Contains("passkey", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await admin.Client.PutAsJsonAsync($"/api/v1/admin/users/{other.Id}/roles", new { roles = new[] { "user", "moderator" } }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "two_factor_required");
        await (await admin.Client.GetAsync("/api/v1/admin/stats")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "two_factor_required");

        // The same token still enrols: that is how the admin gets out of this state.
        await (await admin.Client.GetAsync("/api/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        await (await admin.Client.PostAsync("/api/v1/auth/2fa/setup", null)).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_user_who_is_not_staff_still_gets_the_plain_403_not_an_invitation_to_enrol()
    {
        var user = await app.CreateUserAsync();
        await (await user.Client.GetAsync("/api/v1/admin/stats")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task After_signing_in_with_a_totp_code_the_admin_api_opens_and_a_refreshed_token_keeps_the_second_factor()
    {
        var admin = await app.CreateAdminAsync();
        var other = await app.CreateUserAsync();
        var secret = await EnrolAsync(admin);

        // The next 30-second step: a code other than the one that enabled 2FA.
        var tokens = await LoginAsync(admin, Totp.Code(secret, DateTimeOffset.UtcNow.AddSeconds(30)));
        Assert.Equal(["pwd", "otp", "mfa"], Amr(tokens.AccessToken));
        var client = app.Authorized(tokens.AccessToken);
        await (await client.PostMoneyAsync($"/api/v1/admin/wallets/{other.Id}/adjustments", new { amount = 1_000, reason = "with a second factor" }))
            .ShouldBeAsync(HttpStatusCode.Created);

        var refreshed = await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken })).ShouldBeAsync(HttpStatusCode.OK);
        var accessToken = refreshed.GetProperty("accessToken").GetString()!;
        Assert.Equal(["pwd", "otp", "mfa"], Amr(accessToken));
        await (await app.Authorized(accessToken).PutAsJsonAsync($"/api/v1/admin/users/{other.Id}/roles", new { roles = new[] { "user", "creator" } }))
            .ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_recovery_code_counts_as_a_second_factor_and_says_so_in_amr()
    {
        var admin = await app.CreateAdminAsync();
        var recoveryCode = (await EnrolAsync(admin, keepRecoveryCode: true))!;

        var tokens = await LoginAsync(admin, recoveryCode);
        Assert.Equal(["pwd", "rc", "mfa"], Amr(tokens.AccessToken));
        await (await app.Authorized(tokens.AccessToken).GetAsync("/api/v1/admin/stats")).ShouldBeAsync(HttpStatusCode.OK);
    }

    private static string[] Amr(string accessToken) =>
        new JsonWebToken(accessToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value).ToArray();

    /// <summary>Turns TOTP on; returns the secret, or with <paramref name="keepRecoveryCode"/> one recovery code.</summary>
    private static async Task<string> EnrolAsync(TestUser user, bool keepRecoveryCode = false)
    {
        var setup = await (await user.Client.PostAsync("/api/v1/auth/2fa/setup", null)).ShouldBeAsync(HttpStatusCode.OK);
        var secret = setup.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await user.Client.PostAsJsonAsync("/api/v1/auth/2fa/enable", new { code = Totp.Code(secret) })).StatusCode);
        return keepRecoveryCode ? setup.GetProperty("recoveryCodes")[0].GetString()! : secret;
    }

    private async Task<TokenPair> LoginAsync(TestUser user, string code)
    {
        var login = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password, totpCode = code });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
    }
}
