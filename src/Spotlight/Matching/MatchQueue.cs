using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Live.LiveKit;
using Spotlight.Platform.Errors;

namespace Spotlight.Matching;

/// <summary><c>POST /match/queue</c>. Unknown fields are refused.</summary>
internal sealed record JoinQueueRequest(IReadOnlyList<string?>? Languages, string? Region);

/// <summary>What a caller waiting in the queue is told: their filters as stored and since when they wait.</summary>
internal sealed record QueueResponse(string Status, IReadOnlyList<string> Languages, string? Region, DateTime JoinedAt)
{
    public const string Queued = "queued";
}

/// <summary>
/// Entering the queue, shared by <see cref="JoinQueue"/> and <see cref="NextMatch"/>: refused to banned users (403
/// <c>banned</c>) and while LiveKit is not configured (503 <c>livekit_not_configured</c>: a match would have no room).
/// The row is an upsert on the user: joining again changes the filters and keeps the place in line. This node's
/// matchmaker is nudged once the row is committed.
/// </summary>
internal sealed class MatchQueue(SpotlightDb db, IUserDirectory users, LiveKitSettings settings, MatchmakerLoop matchmaker, TimeProvider time)
{
    public async Task<Refusal?> CheckAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (settings.Connection().Refusal is { } notConfigured)
        {
            return notConfigured;
        }

        return (await users.FactsAsync([userId], cancellationToken)).TryGetValue(userId, out var facts) && !facts.IsBanned
            ? null
            : Refusal.Forbidden("banned", "This account may not be matched.");
    }

    public async Task<QueueResponse> EnterAsync(Guid userId, MatchFilters filters, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO match_queue ("UserId", "Languages", "Region", "JoinedAt") VALUES ({userId}, {filters.StoredLanguages}, {filters.Region}, {now})
            ON CONFLICT ("UserId") DO UPDATE SET "Languages" = excluded."Languages", "Region" = excluded."Region"
            """, cancellationToken);
        matchmaker.Nudge();
        var entry = await db.Set<QueueEntry>().AsNoTracking().SingleOrDefaultAsync(q => q.UserId == userId, cancellationToken);
        // Paired by a pass between the two statements: the caller was queued and already left the queue for a match.
        return new QueueResponse(QueueResponse.Queued, filters.Languages, filters.Region, entry?.JoinedAt ?? now);
    }

    public Task<int> LeaveAsync(Guid userId, CancellationToken cancellationToken) =>
        db.Set<QueueEntry>().Where(q => q.UserId == userId).ExecuteDeleteAsync(cancellationToken);
}

/// <summary><c>POST /match/queue</c>: wait for a partner with these filters (202); <c>matched</c> comes on the hub.</summary>
internal sealed class JoinQueue(MatchQueue queue)
{
    public async Task<Outcome<QueueResponse>> HandleAsync(Guid callerId, JoinQueueRequest request, CancellationToken cancellationToken)
    {
        var filters = MatchFilters.From(request.Languages, request.Region);
        if (filters.Refusal is { } invalid)
        {
            return invalid;
        }

        if (await queue.CheckAsync(callerId, cancellationToken) is { } refused)
        {
            return refused;
        }

        return await queue.EnterAsync(callerId, filters.Value!, cancellationToken);
    }
}

/// <summary><c>DELETE /match/queue</c>: stop waiting (204, also when the caller was not waiting).</summary>
internal sealed class LeaveQueue(MatchQueue queue)
{
    public Task HandleAsync(Guid callerId, CancellationToken cancellationToken) => queue.LeaveAsync(callerId, cancellationToken);
}

/// <summary>Leaving the app leaves the queue: Realtime calls this when a user's last hub connection has closed.</summary>
internal sealed class LeaveQueueWhenOffline(MatchQueue queue) : Realtime.Presence.IUserOfflineListener
{
    public Task WentOfflineAsync(Guid userId, CancellationToken cancellationToken) => queue.LeaveAsync(userId, cancellationToken);
}
