namespace Spotlight.Messaging;

/// <summary>Messaging's kinds of realtime signal (ids and small fields; <see cref="MessagingDelivery"/> delivers them on each node).</summary>
internal static class MessagingSignals
{
    public const string Message = "message";
    public const string Read = "read";
    public const string Typing = "typing";
    public const string Members = "members";
}

/// <summary>The hub events Messaging sends (API.md, Realtime): the names clients listen for.</summary>
internal static class MessagingEvents
{
    /// <summary>A message was posted, edited or deleted: a <see cref="Messages.MessageResponse"/>.</summary>
    public const string Message = "message";

    /// <summary>A <see cref="Messages.TypingEvent"/>.</summary>
    public const string Typing = "typing";

    /// <summary>A <see cref="Messages.ReadEvent"/>.</summary>
    public const string Read = "read";

    /// <summary>A <see cref="Conversations.ConversationEvent"/>: the user's conversation list changed.</summary>
    public const string Conversation = "conversation";
}
