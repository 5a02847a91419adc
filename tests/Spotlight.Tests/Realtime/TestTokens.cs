using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.EntityFrameworkCore;
using Spotlight.Identity;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Security;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Realtime;

/// <summary>Access tokens for a user's existing session, issued as the server would but at another moment.</summary>
public static class TestTokens
{
    /// <summary>A real token for the user's session whose <c>exp</c> is <paramref name="expiresIn"/> from now (negative: already expired).</summary>
    public static async Task<string> IssueAsync(SpotlightApp app, TestUser user, TimeSpan expiresIn)
    {
        var jwt = app.Services.GetRequiredService<JwtOptions>();
        var issuedAt = new ShiftedClock(expiresIn - TimeSpan.FromMinutes(jwt.AccessTokenMinutes));
        var tokens = new TokenService(app.Services.GetRequiredService<PlatformSecrets>(), jwt, issuedAt);
        var entity = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        return tokens.CreateAccessToken(entity, SessionOf(user.AccessToken), AuthenticationMethods.PasswordOnly);
    }

    public static Guid SessionOf(string accessToken) => Guid.Parse(new JsonWebToken(accessToken).GetClaim("sid").Value);

    /// <summary>Keeps the header and claims but breaks the signature.</summary>
    public static string Tamper(string accessToken)
    {
        var last = accessToken[^2];
        return accessToken[..^2] + (last == 'A' ? 'B' : 'A') + accessToken[^1];
    }

    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
