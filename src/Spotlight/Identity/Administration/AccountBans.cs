using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Sessions;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Events;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Jobs;

namespace Spotlight.Identity.Administration;

/// <summary>
/// Bans and suspensions (a ban with an end), for the admin API and for moderation alike. A ban is staged in the caller's
/// unit of work (<see cref="StageAsync"/>) so it commits with whatever decided it; its sessions end once it has committed
/// (<see cref="EnforceAsync"/>). A suspension ends by itself: the next sign-in after its end lifts it, and so does
/// <see cref="SuspensionExpiryJob"/>, so the other modules' <c>BannedAt</c> checks agree within a minute.
/// </summary>
public sealed class AccountBans(SessionRevoker sessions, UserEvents events, DomainEvents domainEvents, AuditLog audit, TimeProvider time)
{
    public const int MaxDays = 3650;

    /// <summary>The ban as other modules see it: whose, and until when (null: without end).</summary>
    public sealed record Staged(Guid UserId, DateTime? Until);

    /// <summary>
    /// Bans <paramref name="userId"/> (until <paramref name="days"/> from now, or for good when null) in the caller's unit of
    /// work, not saved yet; for other modules, which never see Identity's <see cref="User"/>. Null: no such account.
    /// </summary>
    public async Task<Staged?> BanAsync(SpotlightDb db, Guid userId, string reason, int? days, CancellationToken cancellationToken) =>
        await StageAsync(db, userId, reason, days, cancellationToken) is { } user ? new Staged(user.Id, user.BannedUntil) : null;

    /// <summary>Bans <paramref name="userId"/> (until <paramref name="days"/> from now, or for good when null); not saved yet. Null: no such account.</summary>
    internal async Task<User?> StageAsync(SpotlightDb db, Guid userId, string reason, int? days, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        // A new decision replaces the old one: a permanent ban over a suspension, or a suspension over an ended one.
        user.BannedAt = user.IsBannedAt(now) ? user.BannedAt : now;
        user.BannedUntil = days is { } d ? now.AddDays(d) : null;
        user.BanReason = reason;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        audit.Add(db, days is null ? "user.banned" : "user.suspended", "user", userId.ToString(), new { reason, days, until = user.BannedUntil });
        domainEvents.Raise(db, new UserBanned(user.Id, user.BannedUntil)); // other modules react after it commits (Live: out of every live)
        return user;
    }

    /// <summary>After the ban committed: every session and token of the account ends, on every node.</summary>
    public async Task EnforceAsync(SpotlightDb db, Guid userId)
    {
        await sessions.RevokeAllAsync(db, userId, "banned");
        await events.BannedAsync(userId);
    }

    /// <summary>Whether <paramref name="user"/> is barred now; a suspension that has ended is lifted here (and false returned).</summary>
    public async Task<bool> IsBannedAsync(SpotlightDb db, User user, CancellationToken cancellationToken = default)
    {
        if (user.BannedAt is null)
        {
            return false;
        }

        if (user.IsBannedAt(time.GetUtcNow().UtcDateTime))
        {
            return true;
        }

        await LiftAsync(db, db.Users.Where(u => u.Id == user.Id && u.BannedUntil == user.BannedUntil), cancellationToken);
        user.BannedAt = null;
        user.BannedUntil = null;
        user.BanReason = null;
        return false;
    }

    /// <summary>Lifts every suspension that has ended; returns how many.</summary>
    public Task<int> LiftEndedAsync(SpotlightDb db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return LiftAsync(db, db.Users.Where(u => u.BannedAt != null && u.BannedUntil != null && u.BannedUntil <= now), cancellationToken);
    }

    private async Task<int> LiftAsync(SpotlightDb db, IQueryable<User> ended, CancellationToken cancellationToken)
    {
        var ids = await ended.Select(u => u.Id).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return 0;
        }

        // Conditional on the end still being past: a new ban decided meanwhile is not lifted.
        var now = time.GetUtcNow().UtcDateTime;
        var lifted = await db.Users.Where(u => ids.Contains(u.Id) && u.BannedUntil != null && u.BannedUntil <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.BannedAt, (DateTime?)null).SetProperty(u => u.BannedUntil, (DateTime?)null)
                .SetProperty(u => u.BanReason, (string?)null), cancellationToken);
        foreach (var id in ids)
        {
            audit.Add(db, "user.suspension_ended", "user", id.ToString(), actorId: id);
        }

        await db.SaveChangesAsync(cancellationToken);
        return lifted;
    }
}

/// <summary>Lifts ended suspensions every minute, so an account is active again everywhere, not only at its next sign-in.</summary>
internal sealed class SuspensionExpiryJob(SpotlightDb db, AccountBans bans) : IJobHandler
{
    public string Type => "identity-suspension-expiry";

    public Task RunAsync(JobRun run, CancellationToken cancellationToken) => bans.LiftEndedAsync(db, cancellationToken);
}
