using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Spotlight.Messaging.Conversations;
using Spotlight.Messaging.Messages;
using Spotlight.Notifications;
using Spotlight.Realtime.Presence;

namespace Spotlight.Realtime.Hub;

/// <summary>The events the server sends on <c>/hubs/realtime</c>, by their names in API.md.</summary>
public interface IRealtimeClient
{
    /// <summary>A message was posted, edited or deleted (a tombstone) in a conversation of the user's; clients upsert by id.</summary>
    [HubMethodName("message")]
    Task Message(MessageResponse message);

    [HubMethodName("typing")]
    Task Typing(TypingEvent typing);

    [HubMethodName("read")]
    Task Read(ReadEvent read);

    [HubMethodName("presence")]
    Task Presence(PresenceEvent presence);

    [HubMethodName("notification")]
    Task Notification(NotificationResponse notification);

    /// <summary>The user's conversation list changed: created, members added or removed, renamed, or the user was removed.</summary>
    [HubMethodName("conversation")]
    Task Conversation(ConversationEvent change);

    [HubMethodName("gift")]
    Task Gift(JsonElement gift);

    [HubMethodName("liveViewers")]
    Task LiveViewers(JsonElement viewers);

    [HubMethodName("pkScore")]
    Task PkScore(JsonElement score);
}
