using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Data;
using Spotlight.Live.LiveKit;
using Spotlight.Platform.Events;
using Spotlight.Realtime.Live;
using Spotlight.Realtime.Presence;

namespace Spotlight.Live.Lives;

/// <summary>
/// One person watching a live, however they watch: through LiveKit (<see cref="ViaLiveKit"/>, from its webhooks and the
/// watch's <c>ListParticipants</c>), through hub connections (<see cref="LiveViewerConnection"/> rows), or both. The
/// live's <see cref="LiveSession.ViewerCount"/> is the number of these rows, kept by the transaction that adds or removes one.
/// </summary>
internal sealed class LiveViewer
{
    public const int MaxIdentityLength = 128;

    public Guid LiveId { get; set; }

    /// <summary>The LiveKit participant identity: the user id (<c>Guid.ToString()</c>) for tokens Spotlight mints.</summary>
    public required string Identity { get; set; }

    public bool ViaLiveKit { get; set; }

    public DateTime SeenAt { get; set; }
}

/// <summary>A hub connection that joined a live's room. It counts while it is among Realtime's open connections.</summary>
internal sealed class LiveViewerConnection
{
    public Guid LiveId { get; set; }

    public required string ConnectionId { get; set; }

    public required string Identity { get; set; }

    public DateTime JoinedAt { get; set; }
}

internal sealed class LiveViewerConfiguration : IEntityTypeConfiguration<LiveViewer>, IEntityTypeConfiguration<LiveViewerConnection>
{
    public void Configure(EntityTypeBuilder<LiveViewer> builder)
    {
        builder.ToTable("live_viewers");
        builder.HasKey(v => new { v.LiveId, v.Identity });
        builder.Property(v => v.Identity).HasMaxLength(LiveViewer.MaxIdentityLength);
        builder.HasOne<LiveSession>().WithMany().HasForeignKey(v => v.LiveId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<LiveViewerConnection> builder)
    {
        builder.ToTable("live_viewer_connections");
        builder.HasKey(c => new { c.LiveId, c.ConnectionId });
        builder.Property(c => c.ConnectionId).HasMaxLength(64);
        builder.Property(c => c.Identity).HasMaxLength(LiveViewer.MaxIdentityLength);
        builder.HasIndex(c => new { c.LiveId, c.Identity });
        builder.HasOne<LiveSession>().WithMany().HasForeignKey(c => c.LiveId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Counts a live's viewers, once per person whether they watch through LiveKit, the hub, or both, on any node. Every
/// change runs in a transaction that first locks the live's row (a no-op update: a row lock on PostgreSQL, the write lock
/// on SQLite), so changes to one live apply one after the other and <see cref="LiveSession.ViewerCount"/> moves with the
/// rows. The creator is never counted. After the commit the room hears the count (<see cref="LiveViewersCoalescer"/>).
/// </summary>
internal sealed class LiveViewerCounts(SpotlightDb db, IPresence presence, LiveViewersCoalescer coalescer, TimeProvider time)
{
    /// <summary>The live's row as locked (a class with setters: EF maps a raw query's columns onto it).</summary>
    private sealed class Locked
    {
        public Guid Id { get; set; }

        public Guid CreatorId { get; set; }

        public int ViewerCount { get; set; }
    }

    public Task HubJoinedAsync(Guid liveId, Guid userId, string connectionId, CancellationToken cancellationToken) =>
        ChangeAsync(liveId, null, async (live, now) =>
        {
            var identity = userId.ToString();
            if (IsCreator(live, identity))
            {
                return 0;
            }

            var added = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO live_viewer_connections ("LiveId", "ConnectionId", "Identity", "JoinedAt") VALUES ({live.Id}, {connectionId}, {identity}, {now})
                ON CONFLICT DO NOTHING
                """, cancellationToken);
            return added == 0 ? 0 : await AddAsync(live.Id, identity, viaLiveKit: false, now, cancellationToken);
        }, cancellationToken);

    public Task HubLeftAsync(Guid liveId, string connectionId, CancellationToken cancellationToken) =>
        ChangeAsync(liveId, null, async (live, _) =>
        {
            var identity = await db.Set<LiveViewerConnection>().Where(c => c.LiveId == live.Id && c.ConnectionId == connectionId)
                .Select(c => c.Identity).SingleOrDefaultAsync(cancellationToken);
            if (identity is null)
            {
                return 0;
            }

            await db.Set<LiveViewerConnection>().Where(c => c.LiveId == live.Id && c.ConnectionId == connectionId).ExecuteDeleteAsync(cancellationToken);
            return -await DropIfGoneAsync(live.Id, [identity], cancellationToken);
        }, cancellationToken);

    public Task LiveKitJoinedAsync(string room, string identity, CancellationToken cancellationToken) =>
        ChangeAsync(null, room, (live, now) =>
            IsCreator(live, identity) || identity.Length > LiveViewer.MaxIdentityLength
                ? Task.FromResult(0)
                : AddAsync(live.Id, identity, viaLiveKit: true, now, cancellationToken), cancellationToken);

    public Task LiveKitLeftAsync(string room, string identity, CancellationToken cancellationToken) =>
        ChangeAsync(null, room, async (live, _) =>
            await db.Set<LiveViewer>().Where(v => v.LiveId == live.Id && v.Identity == identity && v.ViaLiveKit)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.ViaLiveKit, false), cancellationToken) == 0
                ? 0
                : -await DropIfGoneAsync(live.Id, [identity], cancellationToken), cancellationToken);

    /// <summary>
    /// The watch's correction: hub connections no longer open anywhere (a node that died, a disconnect that could not be
    /// recorded) stop counting, and when LiveKit answered, <paramref name="inRoom"/> (everyone LiveKit has in the room) is
    /// who watches through LiveKit. The count is then recounted from the rows. Returns the count, or null when the live is over.
    /// </summary>
    public async Task<int?> ReconcileAsync(Guid liveId, IReadOnlyCollection<string>? inRoom, CancellationToken cancellationToken)
    {
        int? count = null;
        await ChangeAsync(liveId, null, async (live, now) =>
        {
            var open = presence.OpenConnections();
            var stale = await db.Set<LiveViewerConnection>().Where(c => c.LiveId == live.Id && !open.Contains(c.ConnectionId))
                .Select(c => c.Identity).Distinct().ToListAsync(cancellationToken);
            await db.Set<LiveViewerConnection>().Where(c => c.LiveId == live.Id && !open.Contains(c.ConnectionId)).ExecuteDeleteAsync(cancellationToken);
            if (inRoom is not null)
            {
                var viewers = inRoom.Where(i => !IsCreator(live, i) && i.Length <= LiveViewer.MaxIdentityLength).ToHashSet(StringComparer.Ordinal);
                var known = await db.Set<LiveViewer>().Where(v => v.LiveId == live.Id && v.ViaLiveKit).Select(v => v.Identity).ToListAsync(cancellationToken);
                var gone = known.Where(i => !viewers.Contains(i)).ToList();
                foreach (var chunk in gone.Chunk(500))
                {
                    await db.Set<LiveViewer>().Where(v => v.LiveId == live.Id && chunk.Contains(v.Identity))
                        .ExecuteUpdateAsync(s => s.SetProperty(v => v.ViaLiveKit, false), cancellationToken);
                }

                stale.AddRange(gone);
                foreach (var identity in viewers.Except(known))
                {
                    await AddAsync(live.Id, identity, viaLiveKit: true, now, cancellationToken);
                }
            }

            foreach (var chunk in stale.Distinct().Chunk(500))
            {
                await DropIfGoneAsync(live.Id, chunk, cancellationToken);
            }

            var recounted = await db.Set<LiveViewer>().CountAsync(v => v.LiveId == live.Id, cancellationToken);
            count = recounted;
            return recounted - live.ViewerCount;
        }, cancellationToken);
        return count;
    }

    /// <summary>A live that ended keeps its last count; its watcher rows go.</summary>
    public async Task ForgetAsync(Guid liveId, CancellationToken cancellationToken)
    {
        await db.Set<LiveViewerConnection>().Where(c => c.LiveId == liveId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<LiveViewer>().Where(v => v.LiveId == liveId).ExecuteDeleteAsync(cancellationToken);
    }

    private static bool IsCreator(Locked live, string identity) => identity == live.CreatorId.ToString();

    /// <summary>Marks the person as watching (through LiveKit when <paramref name="viaLiveKit"/>); 1 when they were not counted yet.</summary>
    private async Task<int> AddAsync(Guid liveId, string identity, bool viaLiveKit, DateTime now, CancellationToken cancellationToken)
    {
        if (await db.Database.ExecuteSqlAsync($"""
            INSERT INTO live_viewers ("LiveId", "Identity", "ViaLiveKit", "SeenAt") VALUES ({liveId}, {identity}, {viaLiveKit}, {now})
            ON CONFLICT DO NOTHING
            """, cancellationToken) == 1)
        {
            return 1;
        }

        await db.Set<LiveViewer>().Where(v => v.LiveId == liveId && v.Identity == identity)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.ViaLiveKit, v => v.ViaLiveKit || viaLiveKit).SetProperty(v => v.SeenAt, now), cancellationToken);
        return 0;
    }

    /// <summary>Removes those of <paramref name="identities"/> who watch neither through LiveKit nor any hub connection; returns how many.</summary>
    private Task<int> DropIfGoneAsync(Guid liveId, IReadOnlyCollection<string> identities, CancellationToken cancellationToken) =>
        db.Set<LiveViewer>().Where(v => v.LiveId == liveId && identities.Contains(v.Identity) && !v.ViaLiveKit
                && !db.Set<LiveViewerConnection>().Any(c => c.LiveId == liveId && c.Identity == v.Identity))
            .ExecuteDeleteAsync(cancellationToken);

    /// <summary>Runs <paramref name="change"/> (returning how the count moves) with the live's row locked, the live given by id or room.</summary>
    private async Task ChangeAsync(Guid? id, string? room, Func<Locked, DateTime, Task<int>> change, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Lock and read in one statement (RETURNING: PostgreSQL, and SQLite since 3.35); not composed, so EF sends it as is.
        var locked = await db.Database.SqlQuery<Locked>($"""
            UPDATE live_sessions SET "ViewerCount" = "ViewerCount"
            WHERE ("Id" = {id} OR "RoomName" = {room}) AND "Status" = {LiveStatus.Live}
            RETURNING "Id", "CreatorId", "ViewerCount"
            """).ToListAsync(cancellationToken);
        if (locked is not [var live])
        {
            return; // not on (any more): nobody to count
        }

        var liveId = live.Id;
        var by = await change(live, now);
        if (by != 0)
        {
            await db.Set<LiveSession>().Where(l => l.Id == liveId)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.ViewerCount, l => l.ViewerCount + by), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (by != 0)
        {
            coalescer.Changed(liveId);
        }
    }
}

/// <summary>Realtime's <see cref="ILiveViewers"/>: hub connections joining and leaving a live's room move its count.</summary>
internal sealed class HubLiveViewers(IServiceScopeFactory scopes) : ILiveViewers
{
    public async Task WatchingAsync(Guid liveSessionId, Guid userId, string connectionId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LiveViewerCounts>().HubJoinedAsync(liveSessionId, userId, connectionId, cancellationToken);
    }

    public async Task StoppedWatchingAsync(Guid liveSessionId, string connectionId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LiveViewerCounts>().HubLeftAsync(liveSessionId, connectionId, cancellationToken);
    }
}

/// <summary>LiveKit says someone joined the room: they watch through LiveKit (the creator is not counted).</summary>
internal sealed class JoinCountsViewer(LiveViewerCounts counts) : IDomainEventHandler<LiveKitParticipantJoined>
{
    public Task HandleAsync(LiveKitParticipantJoined domainEvent, EventContext context, CancellationToken cancellationToken) =>
        counts.LiveKitJoinedAsync(domainEvent.Room, domainEvent.Identity, cancellationToken);
}

/// <summary>LiveKit says someone left (or lost their connection): they stop counting unless a hub connection still watches.</summary>
internal sealed class LeaveCountsViewer(LiveViewerCounts counts) : IDomainEventHandler<LiveKitParticipantLeft>
{
    public Task HandleAsync(LiveKitParticipantLeft domainEvent, EventContext context, CancellationToken cancellationToken) =>
        counts.LiveKitLeftAsync(domainEvent.Room, domainEvent.Identity, cancellationToken);
}

/// <summary>An ended live keeps its last count; the rows of who watched it go.</summary>
internal sealed class EndedLiveForgetsViewers(LiveViewerCounts counts) : IDomainEventHandler<LiveEnded>
{
    public Task HandleAsync(LiveEnded domainEvent, EventContext context, CancellationToken cancellationToken) =>
        counts.ForgetAsync(domainEvent.LiveId, cancellationToken);
}
