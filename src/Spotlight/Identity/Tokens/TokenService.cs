using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Spotlight.Data;
using Spotlight.Identity.Accounts;
using Spotlight.Identity.Sessions;
using Spotlight.Platform.Security;

namespace Spotlight.Identity.Tokens;

public sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, MeResponse User);

/// <summary>Issues access tokens (HS256 JWT) and rotates refresh tokens inside their session family.</summary>
public sealed class TokenService(PlatformSecrets secrets, JwtOptions options, TimeProvider time)
{
    private readonly SigningCredentials _credentials = new(new SymmetricSecurityKey(secrets.JwtSigningKey), SecurityAlgorithms.HmacSha256);
    private readonly JsonWebTokenHandler _handler = new();

    public static string StampHash(string? securityStamp) =>
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(securityStamp ?? "")))[..16];

    public static string HashRefreshToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <param name="amr">How the user signed in (<see cref="AuthenticationMethods"/>).</param>
    public string CreateAccessToken(User user, Guid sessionId, IReadOnlyList<string> amr)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(options.AccessTokenMinutes),
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = user.Id.ToString(),
                ["role"] = user.RoleList.ToArray(),
                ["tier"] = user.Tier,
                ["jti"] = Guid.CreateVersion7().ToString(),
                ["sid"] = sessionId.ToString(),
                ["email_verified"] = user.EmailConfirmed ? "true" : "false",
                // A hash of the security stamp: a password reset or ban changes it and the token stops working.
                ["sst"] = StampHash(user.SecurityStamp),
                [AuthenticationMethods.Claim] = amr.ToArray(),
            },
        };
        return _handler.CreateToken(descriptor);
    }

    /// <summary>Starts a session (a new token family) and returns the token pair; <paramref name="amr"/> says how the user signed in.</summary>
    public async Task<TokenResponse> StartSessionAsync(SpotlightDb db, User user, string? userAgent, string? ip, IReadOnlyList<string> amr)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var session = new Session
        {
            Id = Guid.CreateVersion7(), UserId = user.Id, UserAgent = Truncate(userAgent, 512), Ip = ip,
            CreatedAt = now, LastUsedAt = now, ExpiresAt = now.AddDays(options.RefreshTokenDays), Amr = AuthenticationMethods.Store(amr),
        };
        db.Add(session);
        var refresh = NewRefreshToken(db, session.Id, now);
        await db.SaveChangesAsync();
        return Response(user, session.Id, refresh, amr);
    }

    /// <summary>Issues the next refresh token in a family (the caller has marked the previous one spent).</summary>
    public string Rotate(SpotlightDb db, Session session)
    {
        var now = time.GetUtcNow().UtcDateTime;
        session.LastUsedAt = now;
        session.ExpiresAt = now.AddDays(options.RefreshTokenDays);
        return NewRefreshToken(db, session.Id, now);
    }

    public TokenResponse Response(User user, Guid sessionId, string refreshToken, IReadOnlyList<string> amr) =>
        new(CreateAccessToken(user, sessionId, amr), refreshToken, options.AccessTokenMinutes * 60, MeResponse.From(user));

    private static string NewRefreshToken(SpotlightDb db, Guid sessionId, DateTime now)
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        db.Add(new RefreshToken { Id = Guid.CreateVersion7(), SessionId = sessionId, TokenHash = HashRefreshToken(token), CreatedAt = now });
        return token;
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
