using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Paging;

namespace Spotlight.Identity.Sessions;

public sealed record SessionResponse(Guid Id, string? UserAgent, string? Ip, DateTime CreatedAt, DateTime LastUsedAt, DateTime ExpiresAt, bool Current);

/// <summary>
/// <c>GET /auth/sessions</c>: the caller's live sessions, most recently used first; the console's user page lists
/// another account's the same way (with no current one).
/// </summary>
public sealed class ListSessions(SpotlightDb db, TimeProvider time)
{
    public async Task<Page<SessionResponse>> HandleAsync(Guid userId, Guid? currentSession, int take, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var sessions = await db.Set<Session>().AsNoTracking()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.LastUsedAt)
            .Take(take)
            .ToListAsync(cancellationToken);
        // One page holds them all (the API lists at most 100 live sessions), so there is never a next cursor.
        return new Page<SessionResponse>(
            [.. sessions.Select(s => new SessionResponse(s.Id, s.UserAgent, s.Ip, s.CreatedAt, s.LastUsedAt, s.ExpiresAt, s.Id == currentSession))], null);
    }
}
