using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;
using Spotlight.Data;
using Spotlight.Identity.Sessions;
using Spotlight.Platform.Security;

namespace Spotlight.Identity.Tokens;

/// <summary>
/// Validates access tokens: signature (HS256 only), issuer, audience, lifetime with a small skew; then that the token's
/// session is live and its security stamp current. That second check is cached per session for
/// <see cref="SessionStateCache.Lifetime"/>, so a ban, a password reset or a revoked session ends every access token
/// within that time on every node (and at once on the node that made the change), at one database read per session
/// per 30 seconds instead of one per request.
/// </summary>
internal static class AccessTokenValidation
{
    public static void Configure(JwtBearerOptions options, PlatformSecrets secrets, JwtOptions jwt, TimeProvider time)
    {
        options.MapInboundClaims = false;
        options.TimeProvider = time;
        options.IncludeErrorDetails = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = jwt.Issuer,
            ValidateAudience = true,
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKey = new SymmetricSecurityKey(secrets.JwtSigningKey),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(jwt.ClockSkewSeconds),
            // IdentityModel reads the system clock; judge nbf/exp on the app's TimeProvider like everything else.
            LifetimeValidator = (notBefore, expires, _, parameters) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return expires is { } exp && exp.ToUniversalTime() >= now - parameters.ClockSkew &&
                       (notBefore is not { } nbf || nbf.ToUniversalTime() <= now + parameters.ClockSkew);
            },
            NameClaimType = "sub",
            RoleClaimType = "role",
        };
        options.Events = new JwtBearerEvents
        {
            // Browsers cannot send headers on a WebSocket: the realtime hub takes the token from the query string.
            OnMessageReceived = context =>
            {
                if (context.HttpContext.Request.Path.StartsWithSegments("/hubs") &&
                    context.Request.Query["access_token"].ToString() is { Length: > 0 } token)
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = async context =>
            {
                var cache = context.HttpContext.RequestServices.GetRequiredService<SessionStateCache>();
                if (!await cache.IsCurrentAsync(context.Principal!, context.HttpContext.RequestAborted))
                {
                    context.Fail(new StaleAccessTokenException());
                }
            },
            OnChallenge = AccessTokenRefusal.ChallengeAsync,
        };
    }
}

/// <summary>
/// Whether a session is live and its user's stamp unchanged; cached briefly per session id. An eviction here is sent to
/// every node (<see cref="ISessionStateListener"/>: Realtime's NOTIFY fan-out), so a revoked session, a ban or a new
/// stamp is refused everywhere within about a second; <see cref="Lifetime"/> bounds it when a node misses the signal.
/// Each load takes a generation number before it reads, and an eviction one after: an answer read before an eviction is
/// never trusted after it, even when the read finishes last.
/// </summary>
public sealed class SessionStateCache(IMemoryCache cache, IServiceScopeFactory scopes, IServiceProvider services, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private long _generation;
    private long _everythingEvictedAt;

    public async ValueTask<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(principal.FindFirstValue("sid"), out var sessionId) || principal.FindFirstValue("sst") is not { } stamp)
        {
            return false;
        }

        var key = CacheKey(sessionId);
        var now = time.GetUtcNow().UtcDateTime;
        // Freshness is judged on the app's clock (the cache's own expiry only frees memory).
        if (!cache.TryGetValue(key, out Entry? entry) || entry is null || now - entry.LoadedAt > Lifetime || Evicted(entry, sessionId))
        {
            var generation = Interlocked.Increment(ref _generation);
            var (userId, state) = await LoadAsync(sessionId, cancellationToken);
            entry = new Entry(state, userId, now, generation);
            cache.Set(key, entry, Lifetime);
        }

        return entry.State is { } current && current.Live(now) && current.Accepts(stamp, now);
    }

    /// <summary>Forgets the sessions on every node, so a revocation made here takes effect everywhere at once.</summary>
    public Task EvictAsync(IEnumerable<Guid> sessionIds) => TellAsync([.. sessionIds], null);

    /// <summary>Forgets every session of a user on every node: a ban, a new security stamp.</summary>
    public Task EvictUserAsync(Guid userId) => TellAsync([], userId);

    /// <summary>Forgets what this node knows (called for evictions made on any node, this one included).</summary>
    public void EvictHere(IEnumerable<Guid> sessionIds, Guid? userId)
    {
        foreach (var id in sessionIds)
        {
            cache.Set(MarkerKey(id), Interlocked.Increment(ref _generation), Lifetime);
        }

        if (userId is { } user)
        {
            cache.Set(MarkerKey(user), Interlocked.Increment(ref _generation), Lifetime);
        }
    }

    /// <summary>Forgets everything: this node may have missed evictions (its fan-out listener was down).</summary>
    public void EvictEverythingHere() => Interlocked.Exchange(ref _everythingEvictedAt, Interlocked.Increment(ref _generation));

    private async Task TellAsync(IReadOnlyCollection<Guid> sessionIds, Guid? userId)
    {
        EvictHere(sessionIds, userId);
        // Resolved when needed: the fan-out that listens is built on services that themselves read this cache.
        foreach (var listener in services.GetServices<ISessionStateListener>())
        {
            await listener.SessionStateChangedAsync(sessionIds, userId);
        }
    }

    private bool Evicted(Entry entry, Guid sessionId) =>
        entry.Generation <= Interlocked.Read(ref _everythingEvictedAt)
        || (cache.TryGetValue(MarkerKey(sessionId), out long sessionMarker) && entry.Generation <= sessionMarker)
        || (entry.UserId is { } userId && cache.TryGetValue(MarkerKey(userId), out long userMarker) && entry.Generation <= userMarker);

    private static string CacheKey(Guid sessionId) => "session-state:" + sessionId.ToString("N");

    private static string MarkerKey(Guid sessionOrUserId) => "session-evicted:" + sessionOrUserId.ToString("N");

    private async Task<(Guid? UserId, SessionState? State)> LoadAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var row = await (
            from s in db.Set<Session>().AsNoTracking()
            join u in db.Users.AsNoTracking() on s.UserId equals u.Id
            where s.Id == sessionId
            select new { s.UserId, s.RevokedAt, s.ExpiresAt, u.SecurityStamp, u.BannedAt, u.BannedUntil, s.KeptStampHash, s.KeptStampUntil }).SingleOrDefaultAsync(cancellationToken);
        // A suspension that has ended no longer bars a session (the sign-in that started it lifted the suspension, or will).
        var banned = row is not null && User.IsBannedAt(row.BannedAt, row.BannedUntil, time.GetUtcNow().UtcDateTime);
        return row is null
            ? (null, null)
            : (row.UserId, new SessionState(TokenService.StampHash(row.SecurityStamp), row.RevokedAt is null && !banned, row.ExpiresAt,
                row.KeptStampHash, row.KeptStampUntil));
    }

    private sealed record Entry(SessionState? State, Guid? UserId, DateTime LoadedAt, long Generation);

    private sealed record SessionState(string StampHash, bool Active, DateTime ExpiresAt, string? KeptStampHash, DateTime? KeptStampUntil)
    {
        public bool Live(DateTime now) => Active && ExpiresAt > now;

        /// <summary>The user's stamp, or the one this session's tokens carried when the user changed it from here.</summary>
        public bool Accepts(string stamp, DateTime now) => StampHash == stamp || (KeptStampHash == stamp && KeptStampUntil > now);
    }
}

/// <summary>Carries an eviction of <see cref="SessionStateCache"/> to the other nodes (Realtime registers one).</summary>
public interface ISessionStateListener
{
    /// <summary>These sessions, or (with <paramref name="userId"/>) every session of that user, changed: forget them.</summary>
    Task SessionStateChangedAsync(IReadOnlyCollection<Guid> sessionIds, Guid? userId);
}
