using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

public sealed class TokenTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private async Task<TokenPair> RefreshAsync(string refreshToken, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });
        Assert.Equal(expected, response.StatusCode);
        return expected == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))! : null!;
    }

    [Fact]
    public async Task Register_me_refresh_reuse_detection_and_login_again_work_end_to_end()
    {
        var user = await app.CreateUserAsync();
        var me = await (await user.Client.GetAsync("/api/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(user.Handle, me.GetProperty("handle").GetString());
        Assert.Equal(user.Email, me.GetProperty("email").GetString());

        var second = await RefreshAsync(user.RefreshToken);
        Assert.NotEqual(user.RefreshToken, second.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, (await app.Authorized(second.AccessToken).GetAsync("/api/v1/me")).StatusCode);
        var third = await RefreshAsync(second.RefreshToken);

        // The first token again: stolen. The whole family dies, its newest token and access tokens included.
        var reused = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = user.RefreshToken });
        await reused.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_reused");
        var newest = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = third.RefreshToken });
        await newest.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_reused");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Authorized(third.AccessToken).GetAsync("/api/v1/me")).StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Set<Spotlight.Platform.Audit.AuditEntry>().AnyAsync(e => e.Action == "auth.refresh_token_reused" && e.ActorId == user.Id)));

        var login = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task An_unknown_refresh_token_is_refused()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = "not-a-token-we-issued" });
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Fact]
    public async Task Refresh_tokens_are_stored_only_as_hashes()
    {
        var user = await app.CreateUserAsync();
        var stored = await app.WithDbAsync(db => db.Set<Spotlight.Identity.Sessions.RefreshToken>().Select(t => t.TokenHash).ToListAsync());
        Assert.DoesNotContain(user.RefreshToken, stored);
        Assert.Contains(Spotlight.Identity.Tokens.TokenService.HashRefreshToken(user.RefreshToken), stored);
    }

    [Fact]
    public async Task Logout_ends_the_session_and_its_tokens()
    {
        var user = await app.CreateUserAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = user.RefreshToken })).StatusCode);
        await RefreshAsync(user.RefreshToken, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Access_tokens_carry_the_claims_api_md_names_and_live_at_most_15_minutes()
    {
        var user = await app.CreateUserAsync();
        var token = new JsonWebToken(user.AccessToken);
        Assert.Equal("HS256", token.Alg);
        Assert.Equal(user.Id.ToString(), token.Subject);
        foreach (var claim in new[] { "sub", "role", "tier", "jti", "iat", "exp", "iss", "aud" })
        {
            Assert.True(token.TryGetPayloadValue<object>(claim, out _), $"missing claim {claim}");
        }

        Assert.InRange((token.ValidTo - token.IssuedAt).TotalMinutes, 1, 15);
    }

    public static TheoryData<string> Attacks => ["alg-none", "other-key", "edited-payload", "expired", "not-yet-valid", "wrong-issuer", "wrong-audience", "no-signature"];

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Forged_or_stale_access_tokens_get_401(string attack)
    {
        var user = await app.CreateUserAsync();
        var forged = Forge(user.AccessToken, attack);
        var response = await app.Authorized(forged).GetAsync("/api/v1/me");
        // A genuine token past its exp is told to refresh; a forged one learns nothing beyond "not valid".
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, attack == "expired" ? "token_expired" : "unauthorized");
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task The_token_of_a_deleted_user_gets_401()
    {
        var user = await app.CreateUserAsync();
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteDeleteAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_banned_users_access_and_refresh_tokens_stop_working_and_login_says_banned()
    {
        var user = await app.CreateUserAsync();
        var admin = await app.CreateAdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
        var ban = await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{user.Id}/ban", new { reason = "spam" });
        Assert.Equal(HttpStatusCode.OK, ban.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
        await RefreshAsync(user.RefreshToken, HttpStatusCode.Unauthorized);
        var login = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        await login.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "account_banned");
    }

    [Fact]
    public async Task A_ban_made_on_another_node_ends_tokens_within_the_cache_window()
    {
        var user = await app.CreateUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/v1/me")).StatusCode); // cached as valid on this node
        // The other node writes the ban to the shared database; this node has not been told.
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.BannedAt, DateTime.UtcNow).SetProperty(u => u.SecurityStamp, Guid.NewGuid().ToString("N"))));
        app.Clock.Advance(Spotlight.Identity.Tokens.SessionStateCache.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Client.GetAsync("/api/v1/me")).StatusCode);
    }

    /// <summary>Builds a token that is wrong in exactly one way, signed with the server's real key unless the attack is about the key.</summary>
    private string Forge(string genuine, string attack)
    {
        var original = new JsonWebToken(genuine);
        var payload = JsonSerializer.Deserialize<Dictionary<string, object>>(Base64UrlEncoder.Decode(original.EncodedPayload))!;
        var key = Convert.FromBase64String(JsonDocument.Parse(File.ReadAllText(Path.Combine(app.DataDirectory, "secrets.json"))).RootElement.GetProperty("Jwt:SigningKey").GetString()!);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        switch (attack)
        {
            case "alg-none":
                return Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + original.EncodedPayload + ".";
            case "no-signature":
                return original.EncodedHeader + "." + original.EncodedPayload + ".";
            case "edited-payload":
                payload["role"] = new[] { "user", "admin" };
                return original.EncodedHeader + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload)) + "." + original.EncodedSignature;
            case "other-key":
                key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
                break;
            case "expired":
                payload["iat"] = now - 3600;
                payload["nbf"] = now - 3600;
                payload["exp"] = now - 120;
                break;
            case "not-yet-valid":
                payload["nbf"] = now + 600;
                payload["exp"] = now + 900;
                break;
            case "wrong-issuer":
                payload["iss"] = "someone-else";
                break;
            case "wrong-audience":
                payload["aud"] = "another-api";
                break;
        }

        var descriptor = new SecurityTokenDescriptor { SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256) };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(JsonSerializer.Serialize(payload), descriptor.SigningCredentials);
    }
}
