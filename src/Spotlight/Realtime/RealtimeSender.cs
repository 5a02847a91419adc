using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Spotlight.Data;
using Spotlight.Realtime.Connections;
using Spotlight.Realtime.Fanout;
using Spotlight.Realtime.Hub;
using Spotlight.Realtime.Live;

namespace Spotlight.Realtime;

/// <summary>
/// The transport every feature uses to reach connected users: an event name (what clients listen for on
/// <c>/hubs/realtime</c>, e.g. <c>notification</c>, <c>gift</c>) and a payload (serialized as JSON with its runtime
/// type). Realtime knows no feature: features own their event names and payloads.
/// <para>
/// Across nodes (<c>Stage…</c>, <c>Publish…</c>): the payload travels in the signal, so keep it small (ids and numbers,
/// under 7 KB). <c>Stage…</c> goes out after the caller's transaction commits and never when it rolls back (durable:
/// a node that lost its listener reads it back); <c>Publish…</c> goes out at once and is not caught up after a drop.
/// A feature whose bodies are large or need reading per node (messages, notifications) stages its own
/// <see cref="RealtimeSignal"/> with <see cref="RealtimeFeed"/>, delivers it with an <see cref="ISignalDelivery"/>, and
/// sends on each node with <see cref="IRealtimeLocalSender"/>.
/// </para>
/// </summary>
public interface IRealtimeSender
{
    /// <summary>To every connection of these users, on every node, once the caller's open transaction commits.</summary>
    Task StageToUsersAsync(SpotlightDb db, IReadOnlyCollection<Guid> userIds, string eventName, object payload, CancellationToken cancellationToken = default);

    /// <summary>To every connection of these users, on every node, now (nothing to commit with; not durable).</summary>
    Task PublishToUsersAsync(IReadOnlyCollection<Guid> userIds, string eventName, object payload, CancellationToken cancellationToken = default);

    /// <summary>To every connection that joined this live session (<c>JoinLive</c>), once the caller's transaction commits.</summary>
    Task StageToLiveAsync(SpotlightDb db, Guid liveSessionId, string eventName, object payload, CancellationToken cancellationToken = default);

    /// <summary>To every connection that joined this live session, now (a viewer count, a score tick; not durable).</summary>
    Task PublishToLiveAsync(Guid liveSessionId, string eventName, object payload, CancellationToken cancellationToken = default);
}

/// <summary>
/// Sends to the connections on this node only: what an <see cref="ISignalDelivery"/> (which runs on every node) uses once
/// it has a signal's body. Separate from <see cref="IRealtimeSender"/> because deliveries are fed by the signal feed and
/// must not depend on it.
/// </summary>
public interface IRealtimeLocalSender
{
    /// <summary>Whether the user has a connection on this node (so whether a body is worth reading).</summary>
    bool IsConnected(Guid userId);

    /// <summary>
    /// To every connection of these users on this node; users not here are skipped. Not awaited: a failed send (a
    /// connection that went away) is counted, not thrown, and SignalR keeps each connection's sends in order.
    /// </summary>
    void Send(IEnumerable<Guid> userIds, string eventName, object payload);
}

/// <summary>A payload and its event name as they travel in a signal's <c>d</c>; <c>users</c> only for user-addressed events.</summary>
internal sealed record RealtimeEnvelope(string Event, JsonElement Payload, Guid[]? Users = null);

internal sealed class RealtimeSender(RealtimeFeed feed) : IRealtimeSender
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task StageToUsersAsync(SpotlightDb db, IReadOnlyCollection<Guid> userIds, string eventName, object payload, CancellationToken cancellationToken = default) =>
        userIds.Count == 0 ? Task.CompletedTask : feed.StageAsync(db, ToUsers(userIds, eventName, payload), cancellationToken: cancellationToken);

    public Task PublishToUsersAsync(IReadOnlyCollection<Guid> userIds, string eventName, object payload, CancellationToken cancellationToken = default) =>
        userIds.Count == 0 ? Task.CompletedTask : feed.PublishAsync(ToUsers(userIds, eventName, payload), durable: false, cancellationToken);

    public Task StageToLiveAsync(SpotlightDb db, Guid liveSessionId, string eventName, object payload, CancellationToken cancellationToken = default) =>
        feed.StageAsync(db, ToLive(liveSessionId, eventName, payload), cancellationToken: cancellationToken);

    public Task PublishToLiveAsync(Guid liveSessionId, string eventName, object payload, CancellationToken cancellationToken = default) =>
        feed.PublishAsync(ToLive(liveSessionId, eventName, payload), durable: false, cancellationToken);

    private static RealtimeSignal ToUsers(IReadOnlyCollection<Guid> userIds, string eventName, object payload) => new()
    {
        Kind = SignalKinds.Event, Data = Envelope(eventName, payload, [.. userIds.Distinct()]),
    };

    private static RealtimeSignal ToLive(Guid liveSessionId, string eventName, object payload) => new()
    {
        Kind = SignalKinds.Live, SubjectId = liveSessionId, Data = Envelope(eventName, payload, null),
    };

    private static string Envelope(string eventName, object payload, Guid[]? users)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        return JsonSerializer.Serialize(new RealtimeEnvelope(eventName, JsonSerializer.SerializeToElement(payload, payload.GetType(), Json), users), Json);
    }
}

internal sealed class RealtimeLocalSender(IHubContext<RealtimeHub> hub, LocalConnections connections, RealtimeMetrics metrics) : IRealtimeLocalSender
{
    public bool IsConnected(Guid userId) => connections.Has(userId);

    public void Send(IEnumerable<Guid> userIds, string eventName, object payload)
    {
        var groups = userIds.Where(connections.Has).Distinct().Select(RealtimeHub.UserGroup).ToList();
        if (groups.Count > 0)
        {
            Sends.Forget(hub.Clients.Groups(groups).SendAsync(eventName, payload), metrics);
        }
    }

    /// <summary>To a live session's room on this node.</summary>
    public void SendToLive(Guid liveSessionId, string eventName, object payload) =>
        Sends.Forget(hub.Clients.Group(LiveRooms.Group(liveSessionId)).SendAsync(eventName, payload), metrics);
}

/// <summary>
/// Delivers the events of <see cref="IRealtimeSender"/> (their payload in the signal) to this node's connections: one
/// instance (lane) for user-addressed events, at once, and one for live rooms, which gathers the events of
/// <see cref="RealtimeOptions.LiveCoalesceMilliseconds"/> (a busy live's gifts) so each viewer gets them in one frame.
/// </summary>
internal sealed class EnvelopeDelivery(RealtimeLocalSender sender, string kind, TimeSpan coalesceWindow) : ISignalDelivery
{
    public IReadOnlyCollection<string> Kinds { get; } = [kind];

    public TimeSpan CoalesceWindow => coalesceWindow;

    public void Reset()
    {
    }

    public Task DeliverAsync(IReadOnlyList<RealtimeSignal> signals, CancellationToken cancellationToken)
    {
        foreach (var signal in signals)
        {
            if (signal.Data is null || JsonSerializer.Deserialize<RealtimeEnvelope>(signal.Data, RealtimeSender.Json) is not { } envelope)
            {
                continue;
            }

            if (signal.Kind == SignalKinds.Live && signal.SubjectId is { } live)
            {
                sender.SendToLive(live, envelope.Event, envelope.Payload);
            }
            else if (signal.Kind == SignalKinds.Event && envelope.Users is { } users)
            {
                sender.Send(users, envelope.Event, envelope.Payload);
            }
        }

        return Task.CompletedTask;
    }
}
