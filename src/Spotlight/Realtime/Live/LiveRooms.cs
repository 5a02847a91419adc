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
public sealed class LiveRooms(IHubContext<RealtimeHub> hub, ILiveAccess access, RealtimeOptions options, RealtimeMetrics metrics, RealtimeFeed feed)
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

            joined.Add(liveSessionId);
        }

        await hub.Groups.AddToGroupAsync(context.ConnectionId, Group(liveSessionId));
    }

    public async Task LeaveAsync(HubCallerContext context, Guid liveSessionId)
    {
        var joined = Joined(context);
        lock (joined)
        {
            joined.Remove(liveSessionId);
        }

        await hub.Groups.RemoveFromGroupAsync(context.ConnectionId, Group(liveSessionId));
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

    /// <summary>SignalR drops a closed connection from its groups by itself; this only forgets the connection's list.</summary>
    public Task LeaveAllAsync(HubCallerContext context)
    {
        context.Items.Remove(Key);
        return Task.CompletedTask;
    }

    /// <summary>The lives <paramref name="context"/> joined, or null when it joined none (never creates the list: another thread may own the connection).</summary>
    internal static HashSet<Guid>? JoinedOrNull(HubCallerContext context) => context.Items.TryGetValue(Key, out var joined) ? joined as HashSet<Guid> : null;

    private static HashSet<Guid> Joined(HubCallerContext context) =>
        (HashSet<Guid>)(context.Items.TryGetValue(Key, out var joined) ? joined! : context.Items[Key] = new HashSet<Guid>());
}

/// <summary>Applies <see cref="SignalKinds.LiveRemoval"/> on this node: the user's connections here leave the live's room (or every live room).</summary>
internal sealed class LiveRemovalDelivery(IHubContext<RealtimeHub> hub, LocalConnections connections, RealtimeMetrics metrics) : ISignalDelivery
{
    public IReadOnlyCollection<string> Kinds { get; } = [SignalKinds.LiveRemoval];

    public void Reset()
    {
    }

    public Task DeliverAsync(IReadOnlyList<RealtimeSignal> signals, CancellationToken cancellationToken)
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
                }
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>Whether a user may watch a live session. The live module provides the real rule; until then every live is public.</summary>
public interface ILiveAccess
{
    Task<bool> CanWatchAsync(Guid userId, Guid liveSessionId, CancellationToken cancellationToken);
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
