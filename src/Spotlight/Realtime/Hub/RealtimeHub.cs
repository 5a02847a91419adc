using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Spotlight.Platform.Http;
using Spotlight.Realtime.Connections;
using Spotlight.Realtime.Live;
using Spotlight.Realtime.Presence;

namespace Spotlight.Realtime.Hub;

/// <summary>
/// <c>/hubs/realtime</c>. Connections are authenticated (the access token in <c>?access_token=</c>) and closed when the
/// token expires. The hub holds no state: connections live in <see cref="LocalConnections"/> and presence in the
/// database; events are sent from elsewhere through <see cref="IRealtimeSender"/>. Each connection joins its user's group,
/// so every device of a member receives each event. Bad input gets a hub error (<see cref="HubErrors"/>) for the caller
/// only. The conversation methods are carried out by the module that owns conversations (<see cref="IConversationCommands"/>).
/// </summary>
[Authorize]
public sealed class RealtimeHub(
    LocalConnections connections,
    PresenceTracker presence,
    RealtimeMetrics metrics,
    IConversationCommands conversations,
    LiveRooms lives,
    IEnumerable<IUserOfflineListener> offlineListeners) : Microsoft.AspNetCore.SignalR.Hub
{
    public const string Path = "/hubs/realtime";

    public static string UserGroup(Guid userId) => "u:" + userId.ToString("N");

    private Guid Me => Context.User!.UserId();

    public override async Task OnConnectedAsync()
    {
        // SignalR has already answered the handshake: register in memory first, so that events from this moment on
        // reach the connection; the database work (presence, the per-user cap) comes after.
        connections.Add(Me, Context);
        metrics.Connected();
        await Groups.AddToGroupAsync(Context.ConnectionId, UserGroup(Me));
        if (!await presence.ConnectedAsync(Context.ConnectionId, Me, enforceLimit: true, Context.ConnectionAborted))
        {
            connections.Remove(Context.ConnectionId);
            metrics.Disconnected();
            metrics.Refusals.Add(1, new KeyValuePair<string, object?>("reason", "too_many_connections"));
            throw HubErrors.Create("too_many_connections", "This account has too many open connections; close one first.");
        }

        metrics.Connects.Add(1);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (!connections.Remove(Context.ConnectionId))
        {
            return; // refused in OnConnectedAsync: nothing was recorded
        }

        metrics.Disconnected();
        await lives.LeaveAllAsync(Context);
        // Not the connection's token: it may be closing because it was cancelled.
        if (await presence.DisconnectedAsync(Context.ConnectionId, Me, CancellationToken.None))
        {
            // The user's last connection anywhere: they left the app (features let go of what needs them there).
            foreach (var listener in offlineListeners)
            {
                await listener.WentOfflineAsync(Me, CancellationToken.None);
            }
        }
    }

    /// <summary>Stores a message and returns it; a repeated <paramref name="clientMessageId"/> returns the first one.</summary>
    public async Task<object> SendMessage(string conversationId, string clientMessageId, string text)
    {
        var outcome = await conversations.SendMessageAsync(Me, ParseId(conversationId), clientMessageId, text, Context.ConnectionAborted);
        return outcome.Refusal is { } refusal ? throw HubErrors.From(refusal) : outcome.Value!;
    }

    /// <summary>
    /// Up to 100 messages after <paramref name="afterSequence"/>, oldest first: what a client missed while away. Asked over
    /// the connection it is sure to run after the connection is registered, so nothing falls between the two.
    /// </summary>
    public async Task<object> GetMessagesAfter(string conversationId, long afterSequence)
    {
        var outcome = await conversations.MessagesAfterAsync(Me, ParseId(conversationId), afterSequence, Context.ConnectionAborted);
        return outcome.Refusal is { } refusal ? throw HubErrors.From(refusal) : outcome.Value!;
    }

    /// <summary>Tells the other members the caller is typing (not stored).</summary>
    [NotChargedToUserBudget] // sent per keystroke burst and stores nothing: a minute of typing must not eat the REST budget
    public async Task Typing(string conversationId)
    {
        if (await conversations.TypingAsync(Me, ParseId(conversationId), Context.ConnectionAborted) is { } refusal)
        {
            throw HubErrors.From(refusal);
        }
    }

    /// <summary>Moves the caller's read marker to a message; the members get a <c>read</c> event.</summary>
    public async Task MarkRead(string conversationId, string messageId)
    {
        if (await conversations.MarkReadAsync(Me, ParseId(conversationId), ParseId(messageId, "message"), Context.ConnectionAborted) is { } refusal)
        {
            throw HubErrors.From(refusal);
        }
    }

    /// <summary>Starts receiving a live session's events (<c>gift</c>, <c>liveViewers</c>, <c>pkScore</c>, <c>liveEnded</c>).</summary>
    public Task JoinLive(string liveSessionId) => lives.JoinAsync(Context, Me, ParseId(liveSessionId, "live session"));

    public Task LeaveLive(string liveSessionId) => lives.LeaveAsync(Context, ParseId(liveSessionId, "live session"));

    private static Guid ParseId(string? id, string what = "conversation") =>
        Guid.TryParse(id, out var parsed) ? parsed : throw HubErrors.Create("not_found", $"No {what} of yours has this id.");
}
