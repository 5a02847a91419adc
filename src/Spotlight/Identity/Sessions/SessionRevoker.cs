using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Tokens;

namespace Spotlight.Identity.Sessions;

/// <summary>Ends sessions for the reasons another module has (a ban, a password reset, an admin's action).</summary>
public sealed class SessionRevoker(SessionStateCache cache, JwtOptions jwt, TimeProvider time)
{
    public Task<int> RevokeAllAsync(SpotlightDb db, Guid userId, string reason) => RevokeAsync(db, userId, reason, keep: null);

    /// <summary>
    /// After the user changed their security stamp from <paramref name="current"/>: ends every other session, and lets the
    /// current one's access tokens (made under <paramref name="previousStamp"/>) run to their expiry.
    /// </summary>
    public async Task<int> RevokeOthersAsync(SpotlightDb db, Guid userId, Guid? current, string? previousStamp, string reason)
    {
        if (current is { } kept)
        {
            var until = time.GetUtcNow().UtcDateTime.AddMinutes(jwt.AccessTokenMinutes).AddSeconds(jwt.ClockSkewSeconds);
            var stampHash = TokenService.StampHash(previousStamp);
            await db.Set<Session>().Where(s => s.Id == kept && s.UserId == userId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.KeptStampHash, stampHash).SetProperty(x => x.KeptStampUntil, until));
        }

        return await RevokeAsync(db, userId, reason, current);
    }

    /// <summary>Ends the user's live sessions (but <paramref name="keep"/>); one user-wide eviction covers every one of them on every node.</summary>
    private async Task<int> RevokeAsync(SpotlightDb db, Guid userId, string reason, Guid? keep)
    {
        var live = db.Set<Session>().Where(s => s.UserId == userId && s.RevokedAt == null);
        if (keep is { } kept)
        {
            live = live.Where(s => s.Id != kept);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var count = await live.ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason));
        await cache.EvictUserAsync(userId);
        return count;
    }
}
