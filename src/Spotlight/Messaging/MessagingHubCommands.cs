using Spotlight.Messaging.Messages;
using Spotlight.Platform.Errors;
using Spotlight.Realtime.Hub;

namespace Spotlight.Messaging;

/// <summary>
/// The realtime hub's conversation methods, carried out by Messaging's own handlers (the hub only parses ids and turns a
/// refusal into a hub error): <c>SendMessage</c> answers the stored message, <c>GetMessagesAfter</c> a page of them.
/// </summary>
internal sealed class MessagingHubCommands(PostMessage post, MessageHistory history, ReadReceipts receipts, TypingNotices typing) : IConversationCommands
{
    private const int CatchUpPageSize = 100;

    public async Task<Outcome<object>> SendMessageAsync(Guid userId, Guid conversationId, string clientMessageId, string text, CancellationToken cancellationToken)
    {
        var outcome = await post.HandleAsync(userId, conversationId, clientMessageId, text, null, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal : outcome.Value!.Message;
    }

    public async Task<Outcome<object>> MessagesAfterAsync(Guid userId, Guid conversationId, long afterSequence, CancellationToken cancellationToken)
    {
        var outcome = await history.ReadAsync(userId, conversationId, CatchUpPageSize, MessageHistory.After(afterSequence), cancellationToken);
        return outcome.Refusal is { } refusal ? refusal : outcome.Value!;
    }

    public Task<Refusal?> TypingAsync(Guid userId, Guid conversationId, CancellationToken cancellationToken) =>
        typing.TypingAsync(userId, conversationId, cancellationToken);

    public async Task<Refusal?> MarkReadAsync(Guid userId, Guid conversationId, Guid messageId, CancellationToken cancellationToken) =>
        (await receipts.MarkReadAsync(userId, conversationId, messageId, cancellationToken)).Refusal;
}
