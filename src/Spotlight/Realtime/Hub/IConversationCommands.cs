using Spotlight.Platform.Errors;

namespace Spotlight.Realtime.Hub;

/// <summary>
/// The hub's conversation methods (<c>SendMessage</c>, <c>GetMessagesAfter</c>, <c>Typing</c>, <c>MarkRead</c>), carried
/// out by the module that owns conversations (Messaging implements it): the hub parses ids, calls, and turns a
/// <see cref="Refusal"/> into a hub error. What a method returns is sent to the caller as it is (JSON of its runtime type).
/// </summary>
public interface IConversationCommands
{
    /// <summary>Stores a message and returns it as clients see it; a repeated <paramref name="clientMessageId"/> returns the first one.</summary>
    Task<Outcome<object>> SendMessageAsync(Guid userId, Guid conversationId, string clientMessageId, string text, CancellationToken cancellationToken);

    /// <summary>Up to 100 messages after <paramref name="afterSequence"/>, oldest first, as a page.</summary>
    Task<Outcome<object>> MessagesAfterAsync(Guid userId, Guid conversationId, long afterSequence, CancellationToken cancellationToken);

    /// <summary>Tells the other members the user is typing; a refusal when the conversation is not the user's.</summary>
    Task<Refusal?> TypingAsync(Guid userId, Guid conversationId, CancellationToken cancellationToken);

    /// <summary>Moves the user's read marker to a message.</summary>
    Task<Refusal?> MarkReadAsync(Guid userId, Guid conversationId, Guid messageId, CancellationToken cancellationToken);
}
