using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Spotlight.Data;
using Spotlight.Realtime.Connections;
using Spotlight.Realtime.Fanout;
using Spotlight.Realtime.Hub;

namespace Spotlight.Realtime.Live;

/// <summary>
/// Live sessions as rooms of the hub: a connection that joins a live receives its <c>gift</c>, <c>liveViewers</c>,
/// <c>pkScore</c> and <c>liveEnded</c> events, and nothing of lives it has not joined. Features that run lives publish with
/// <see cref="LiveBroadcast"/>. The live module decides who may watch (<see cref="ILiveAccess"/>), and may take a user out
/// of a room on every node (<see cref="StageRemovalAsync"/>, <see cref="PublishRemovalAsync"/>): their connections leave
/// the room's group and stop receiving its events; whether they may come back is <see cref="ILiveAccess"/>'s answer.
/// </summary>
public sealed class LiveRooms(
    IHubContext<RealtimeHub> hub, ILiveAccess access, ILiveViewers viewers, RealtimeOptions options, RealtimeMetrics metrics, RealtimeFeed feed, ILogger<LiveRooms> logger)
{
    private static readonly object Key = new();

    public static string Group(Guid liveSessionId) => "live:" + liveSessionId.ToString("N");

    public async Task JoinAsync(HubCallerContext context, Guid userId, Guid liveSessionId)
    {
        if (!await access.CanWatchAsync(userId, liveSessionId, context.ConnectionAborted))
        {
            throw HubErrors.Create("not_found", "No live session you may watch has this id.");
        }

        var joined = Joined(context);
        lock (joined)
        {
            if (!joined.Contains(liveSessionId) && joined.Count >= options.MaxLivesPerConnection)
            {
                metrics.Refusals.Add(1, new KeyValuePair<string, object?>("reason", "too_many_lives"));
                throw HubErrors.Create("too_many_lives", $"A connection watches at most {options.MaxLivesPerConnection} lives; leave one first.");
            }

            if (!joined.Add(liveSessionId))
            {
                return; // already watching from this connection
            }
        }

        // In the room first, so the count this join causes reaches the joiner too.
        await hub.Groups.AddToGroupAsync(context.ConnectionId, Group(liveSessionId));
        try
        {
            await viewers.WatchingAsync(liveSessionId, userId, context.ConnectionId, context.ConnectionAborted);
        }
        catch
        {
            lock (joined)
            {
                joined.Remove(liveSessionId);
            }

            await hub.Groups.RemoveFromGroupAsync(context.ConnectionId, Group(liveSessionId));
            throw;
        }
    }

    public async Task LeaveAsync(HubCallerContext context, Guid liveSessionId)
    {
        var joined = Joined(context);
        bool left;
        lock (joined)
        {
            left = joined.Remove(liveSessionId);
        }

        await hub.Groups.RemoveFromGroupAsync(context.ConnectionId, Group(liveSessionId));
        if (left)
        {
            await viewers.StoppedWatchingAsync(liveSessionId, context.ConnectionId, context.ConnectionAborted);
        }
    }

    /// <summary>
    /// Takes every connection of <paramref name="userId"/> out of the live's room on every node, once the caller's open
    /// transaction commits (durable: a node that lost its listener reads it back). A transport capability: the caller
    /// decides who is removed and keeps them out through <see cref="ILiveAccess"/>.
    /// </summary>
    public Task StageRemovalAsync(SpotlightDb db, Guid liveSessionId, Guid userId, CancellationToken cancellationToken = default) =>
        feed.StageAsync(db, Removal(liveSessionId, userId), cancellationToken: cancellationToken);

    /// <summary>As <see cref="StageRemovalAsync"/> with nothing to commit; <paramref name="liveSessionId"/> null: from every live room.</summary>
    public Task PublishRemovalAsync(Guid? liveSessionId, Guid userId, CancellationToken cancellationToken = default) =>
        feed.PublishAsync(Removal(liveSessionId, userId), durable: true, cancellationToken);

    private static RealtimeSignal Removal(Guid? liveSessionId, Guid userId) => new() { Kind = SignalKinds.LiveRemoval, SubjectId = liveSessionId, UserId = userId };

    /// <summary>
    /// A closed connection: SignalR drops it from its groups by itself; the lives it watched are told it stopped (a failure
    /// is only logged: the Live module also drops watchers whose connection is no longer open, see <see cref="ILiveViewers"/>).
    /// </summary>
    public async Task LeaveAllAsync(HubCallerContext context)
    {
        if (!context.Items.Remove(Key, out var watched) || watched is not HashSet<Guid> lives)
        {
            return;
        }

        Guid[] left;
        lock (lives)
        {
            left = [.. lives];
        }

        foreach (var liveSessionId in left)
        {
            try
            {
                await viewers.StoppedWatchingAsync(liveSessionId, context.ConnectionId, CancellationToken.None);
            }
#pragma warning disable CA1031 // a disconnect must finish; the watcher's row goes with the connection's presence record
            catch (Exception failure)
#pragma warning restore CA1031
            {
                logger.LogWarning(failure, "Could not record that connection {ConnectionId} stopped watching live {LiveId}", context.ConnectionId, liveSessionId);
            }
        }
    }

    /// <summary>The lives <paramref name="context"/> joined, or null when it joined none (never creates the list: another thread may own the connection).</summary>
    internal static HashSet<Guid>? JoinedOrNull(HubCallerContext context) => context.Items.TryGetValue(Key, out var joined) ? joined as HashSet<Guid> : null;

    private static HashSet<Guid> Joined(HubCallerContext context) =>
        (HashSet<Guid>)(context.Items.TryGetValue(Key, out var joined) ? joined! : context.Items[Key] = new HashSet<Guid>());
}

/// <summary>Applies <see cref="SignalKinds.LiveRemoval"/> on this node: the user's connections here leave the live's room (or every live room).</summary>
internal sealed class LiveRemovalDelivery(IHubContext<RealtimeHub> hub, LocalConnections connections, ILiveViewers viewers, RealtimeMetrics metrics) : ISignalDelivery
{
    public IReadOnlyCollection<string> Kinds { get; } = [SignalKinds.LiveRemoval];

    public void Reset()
    {
    }

    public async Task DeliverAsync(IReadOnlyList<RealtimeSignal> signals, CancellationToken cancellationToken)
    {
        foreach (var signal in signals)
        {
            if (signal.UserId is not { } userId)
            {
                continue;
            }

            foreach (var connection in connections.OfUser(userId))
            {
                List<Guid> leaving;
                if (LiveRooms.JoinedOrNull(connection.Context) is not { } joined)
                {
                    continue;
                }

                lock (joined)
                {
                    leaving = signal.SubjectId is { } live ? (joined.Remove(live) ? [live] : []) : [.. joined];
                    if (signal.SubjectId is null)
                    {
                        joined.Clear();
                    }
                }

                foreach (var live in leaving)
                {
                    Sends.Forget(hub.Groups.RemoveFromGroupAsync(connection.Context.ConnectionId, LiveRooms.Group(live), CancellationToken.None), metrics);
                    // A removed connection no longer watches: its viewer count goes with it (the watch also drops it later).
                    await viewers.StoppedWatchingAsync(live, connection.Context.ConnectionId, cancellationToken);
                }
            }
        }
    }
}

/// <summary>Whether a user may watch a live session. The live module provides the real rule; until then every live is public.</summary>
public interface ILiveAccess
{
    Task<bool> CanWatchAsync(Guid userId, Guid liveSessionId, CancellationToken cancellationToken);
}

/// <summary>
/// Told when a hub connection starts or stops watching a live, so the owner of lives can count viewers across nodes. A
/// connection that closes without being told (its node died) is the owner's to drop: it is no longer among
/// <see cref="Presence.IPresence.OpenConnections"/> once its node's heartbeat is stale and swept.
/// </summary>
public interface ILiveViewers
{
    Task WatchingAsync(Guid liveSessionId, Guid userId, string connectionId, CancellationToken cancellationToken);

    Task StoppedWatchingAsync(Guid liveSessionId, string connectionId, CancellationToken cancellationToken);
}

/// <summary>Without the live module nobody counts viewers.</summary>
internal sealed class UncountedLiveViewers : ILiveViewers
{
    public Task WatchingAsync(Guid liveSessionId, Guid userId, string connectionId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedWatchingAsync(Guid liveSessionId, string connectionId, CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class PublicLives : ILiveAccess
{
    public Task<bool> CanWatchAsync(Guid userId, Guid liveSessionId, CancellationToken cancellationToken) => Task.FromResult(true);
}

/// <summary>
/// Publishes a live session's events to everyone watching it on any node: <c>gift</c> (Wallet, when a gift names a
/// <c>liveSessionId</c>), <c>liveViewers</c>, <c>pkScore</c>, <c>pkEnded</c>, <c>liveEnded</c>. A thin guard over <see cref="IRealtimeSender"/>'s live
/// room: the payload travels in the signal, so keep it small (a few ids and numbers).
/// </summary>
public sealed class LiveBroadcast(IRealtimeSender sender)
{
    public const string Gift = "gift";
    public const string LiveViewers = "liveViewers";
    public const string PkScore = "pkScore";
    public const string PkEnded = "pkEnded";
    public const string LiveEnded = "liveEnded";

    /// <summary>In the caller's transaction (a gift with the money it moved).</summary>
    public Task StageAsync(SpotlightDb db, Guid liveSessionId, string eventName, object payload, CancellationToken cancellationToken = default) =>
        sender.StageToLiveAsync(db, liveSessionId, Checked(eventName), payload, cancellationToken);

    /// <summary>With nothing to commit (a viewer count, a PK score tick): not caught up after a listener drop.</summary>
    public Task PublishAsync(Guid liveSessionId, string eventName, object payload, CancellationToken cancellationToken = default) =>
        sender.PublishToLiveAsync(liveSessionId, Checked(eventName), payload, cancellationToken);

    private static string Checked(string eventName) => eventName is Gift or LiveViewers or PkScore or PkEnded or LiveEnded
        ? eventName
        : throw new ArgumentException($"A live event is one of {Gift}, {LiveViewers}, {PkScore}, {PkEnded}, {LiveEnded}.", nameof(eventName));
}
