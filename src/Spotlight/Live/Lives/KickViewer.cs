using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Identity.Users;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Live.Lives;

/// <summary>
/// A user kept out of one live: <c>POST /live/{id}/join</c> and the hub's <c>JoinLive</c> refuse them (<see cref="LiveAccess"/>,
/// 403 <c>kicked</c>), and LiveKit's <c>participant_joined</c> for them is answered by removing them again
/// (<see cref="RemovedViewersStayOut"/>), since a watch token they already hold stays valid for LiveKit until it expires.
/// </summary>
public sealed class LiveKick
{
    public Guid LiveId { get; set; }

    public Guid UserId { get; set; }

    public DateTime KickedAt { get; set; }

    public Guid KickedBy { get; set; }
}

internal sealed class LiveKickConfiguration : IEntityTypeConfiguration<LiveKick>
{
    public void Configure(EntityTypeBuilder<LiveKick> builder)
    {
        builder.ToTable("live_kicks");
        builder.HasKey(k => new { k.LiveId, k.UserId });
        builder.HasOne<LiveSession>().WithMany().HasForeignKey(k => k.LiveId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// <c>POST /live/{id}/viewers/{userId}/kick</c>'s answer. <c>livekit</c>: <c>removed</c> (LiveKit disconnected them),
/// <c>not_in_room</c> (they were not connected), <c>unavailable</c> (LiveKit could not be asked; kicked all the same).
/// </summary>
public sealed record KickViewerResponse(Guid LiveSessionId, Guid UserId, string Handle, DateTime KickedAt, string Livekit);

/// <summary>
/// <c>POST /live/{id}/viewers/{userId}/kick</c>: the live's creator or a moderator (or admin) takes a viewer out of a live
/// that is on and keeps them out of it (<see cref="LiveKick"/>): on every node they leave the live's hub room and get
/// <c>liveKicked</c>, then LiveKit disconnects them (bounded; when LiveKit is down they are kicked in Spotlight all the
/// same, logged). Refused: 404 unknown live or user, 403 <c>not_your_live</c> for anyone else (as ending), 400
/// <c>cannot_kick</c> for the creator or staff, 409 <c>live_ended</c>. Kicking again repeats the removal and changes
/// nothing else (one audit entry, <c>live.viewer_kicked</c>).
/// </summary>
public sealed class KickViewer(SpotlightDb db, IUserDirectory users, LiveRemoval removal, AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<KickViewerResponse>> HandleAsync(Guid callerId, Guid liveId, Guid userId, CancellationToken cancellationToken)
    {
        var live = await db.Set<LiveSession>().AsNoTracking().SingleOrDefaultAsync(l => l.Id == liveId, cancellationToken);
        if (live is null)
        {
            return Refusal.NotFound("No live has this id.");
        }

        var facts = await users.FactsAsync([callerId, userId], cancellationToken);
        var isCreator = callerId == live.CreatorId;
        if (!isCreator && facts.GetValueOrDefault(callerId) is not { IsStaff: true, IsBanned: false })
        {
            return Refusal.Forbidden("not_your_live", "Only the creator or a moderator can kick a viewer from this live.");
        }

        if (!facts.TryGetValue(userId, out var viewer))
        {
            return Refusal.NotFound("No user has this id.");
        }

        if (userId == live.CreatorId || viewer.IsStaff)
        {
            return new Refusal(StatusCodes.Status400BadRequest, "cannot_kick", "The live's creator and staff cannot be kicked.");
        }

        if (live.Status != LiveStatus.Live)
        {
            return Refusal.Conflict("live_ended", "This live has ended.");
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO live_kicks ("LiveId", "UserId", "KickedAt", "KickedBy")
                VALUES ({liveId}, {userId}, {time.GetUtcNow().UtcDateTime}, {callerId})
                ON CONFLICT ("LiveId", "UserId") DO NOTHING
                """, cancellationToken);
            if (inserted == 1)
            {
                audit.Add(db, "live.viewer_kicked", "live", liveId.ToString(), new { userId, handle = viewer.Handle, by = isCreator ? "creator" : "staff" }, actorId: callerId);
            }

            await removal.StageAsync(db, liveId, userId, LiveRemovalReason.Kicked, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var kickedAt = await db.Set<LiveKick>().Where(k => k.LiveId == liveId && k.UserId == userId).Select(k => k.KickedAt).SingleAsync(cancellationToken);
        var livekit = await removal.FromLiveKitAsync(live, userId, cancellationToken);
        return new KickViewerResponse(liveId, userId, viewer.Handle, kickedAt, livekit);
    }
}
