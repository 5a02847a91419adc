using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Spotlight.Live.LiveKit;

/// <summary>What a participant may do in one room (LiveKit's <c>video</c> grant).</summary>
public sealed record RoomGrant(string Room, bool CanPublish)
{
    /// <summary>Watch only: subscribe, no publishing of media or data.</summary>
    public static RoomGrant Viewer(string room) => new(room, false);

    /// <summary>Publish and watch: the creator in their own room.</summary>
    public static RoomGrant Publisher(string room) => new(room, true);
}

/// <summary>
/// LiveKit access tokens, as LiveKit's own SDKs make them: a JWT, HS256 with the API secret, <c>iss</c> = API key,
/// <c>sub</c> = identity, <c>name</c>, <c>nbf</c>, <c>exp</c>, <c>jti</c> and the <c>video</c> grant with LiveKit's field
/// names. Also checks the tokens LiveKit signs its webhooks with (<see cref="VerifyWebhook"/>).
/// </summary>
public sealed class LiveKitTokens(TimeProvider time)
{
    /// <summary>How long an admin token for one room-control call lives (LiveKit's SDKs use 10 minutes).</summary>
    public static readonly TimeSpan AdminTokenTtl = TimeSpan.FromMinutes(10);

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>A token to join <see cref="RoomGrant.Room"/> as <paramref name="userId"/> (shown as <paramref name="name"/>).</summary>
    public string Participant(LiveKitConnection connection, Guid userId, string name, RoomGrant grant)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(grant);
        var video = new Dictionary<string, object>
        {
            ["room"] = grant.Room,
            ["roomJoin"] = true,
            ["canPublish"] = grant.CanPublish,
            ["canSubscribe"] = true,
            ["canPublishData"] = grant.CanPublish,
        };
        return Create(connection, connection.TokenTtl, userId.ToString(), new Dictionary<string, object> { ["name"] = name, ["video"] = video });
    }

    /// <summary>
    /// A token for LiveKit's RoomService: <c>roomCreate</c> (DeleteRoom needs it), <c>roomList</c>, and <c>roomAdmin</c> for
    /// <paramref name="room"/> (ListParticipants, RemoveParticipant).
    /// </summary>
    public string Admin(LiveKitConnection connection, string? room)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var video = new Dictionary<string, object> { ["roomCreate"] = true, ["roomList"] = true };
        if (room is not null)
        {
            video["room"] = room;
            video["roomAdmin"] = true;
        }

        return Create(connection, AdminTokenTtl, null, new Dictionary<string, object> { ["video"] = video });
    }

    /// <summary>
    /// LiveKit's webhook scheme: <paramref name="authorization"/> (with or without <c>Bearer </c>) is a JWT signed with
    /// one of <paramref name="secrets"/>, issued by <paramref name="apiKey"/>, within its <c>nbf</c>/<c>exp</c> (which it
    /// must have), whose <c>sha256</c> claim is base64(SHA-256(<paramref name="body"/>)). <c>null</c> when it holds, else why not.
    /// </summary>
    public async Task<string?> VerifyWebhook(string? authorization, ReadOnlyMemory<byte> body, string apiKey, IReadOnlyList<string> secrets, TimeSpan clockSkew)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var token = authorization?.Trim();
        if (token is not null && token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = token["Bearer ".Length..].Trim();
        }

        if (string.IsNullOrEmpty(token))
        {
            return "The Authorization header is missing.";
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = apiKey,
            ValidateIssuer = true,
            ValidateAudience = false,
            ValidateLifetime = false, // checked below against our clock (TimeProvider), the SDK's way: exp required
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            IssuerSigningKeys = secrets.Select(s => new SymmetricSecurityKey(Encoding.UTF8.GetBytes(s))).ToList(),
            TryAllIssuerSigningKeys = true,
            RequireSignedTokens = true,
        };
        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, parameters);
        }
        catch (ArgumentException)
        {
            return "The token is not a JWT.";
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return "The token's signature, issuer or form is not valid.";
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (!jwt.TryGetPayloadValue<long>("exp", out _) || now > jwt.ValidTo + clockSkew)
        {
            return "The token has expired (or has no exp).";
        }

        if (jwt.TryGetPayloadValue<long>("nbf", out _) && now + clockSkew < jwt.ValidFrom)
        {
            return "The token is not valid yet.";
        }

        if (!jwt.TryGetPayloadValue<string>("sha256", out var claimed) || string.IsNullOrEmpty(claimed))
        {
            return "The token has no sha256 claim.";
        }

        var actual = Convert.ToBase64String(SHA256.HashData(body.Span));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(claimed))
            ? null
            : "The body does not match the token's sha256 claim.";
    }

    private string Create(LiveKitConnection connection, TimeSpan ttl, string? subject, Dictionary<string, object> claims)
    {
        var now = time.GetUtcNow().UtcDateTime;
        claims["jti"] = Guid.CreateVersion7().ToString();
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = connection.ApiKey,
            NotBefore = now,
            Expires = now + ttl,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(connection.ApiSecret)), SecurityAlgorithms.HmacSha256),
        });
    }
}
