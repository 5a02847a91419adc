using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Messaging.Conversations;
using Spotlight.Messaging.Messages;
using Spotlight.Realtime;
using Spotlight.Realtime.Fanout;

namespace Spotlight.Messaging;

/// <summary>
/// Delivers conversation signals to this node's connections of the conversation's members, and to no one else. Members
/// are cached per conversation; a <c>members</c> signal, which comes in order with the messages around it, refreshes the
/// entry, so a removed member stops receiving from the next message on. Bodies come from <see cref="SignalBodies"/> on the
/// node that stored the message, and from one query per batch elsewhere.
/// </summary>
internal sealed class MessagingDelivery(
    IServiceScopeFactory scopes,
    IRealtimeLocalSender sender,
    SignalBodies bodies) : ISignalDelivery
{
    private const int MaxCachedConversations = 20_000;
    private readonly Dictionary<Guid, Guid[]> _members = [];

    public IReadOnlyCollection<string> Kinds { get; } = [MessagingSignals.Message, MessagingSignals.Read, MessagingSignals.Typing, MessagingSignals.Members];

    public void Reset() => _members.Clear();

    public async Task DeliverAsync(IReadOnlyList<RealtimeSignal> signals, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        if (_members.Count > MaxCachedConversations)
        {
            _members.Clear();
        }

        var uncached = signals.Where(s => s.ConversationId is not null).Select(s => s.ConversationId!.Value).Distinct().Where(c => !_members.ContainsKey(c)).ToList();
        await LoadMembersAsync(db, uncached, cancellationToken);
        var unread = signals
            .Where(s => s.Kind == MessagingSignals.Message && s.SubjectId is not null && !bodies.Has(s.Id) && LocalMembers(s.ConversationId!.Value, except: null).Count > 0)
            .Select(s => s.SubjectId!.Value).Distinct().ToList();
        var read = unread.Count == 0 ? [] : await MessageReader.LoadAsync(db, unread, cancellationToken);

        foreach (var signal in signals)
        {
            if (signal.ConversationId is not { } conversationId)
            {
                continue;
            }

            switch (signal.Kind)
            {
                case MessagingSignals.Members when signal.UserId is { } removed:
                    sender.Send([removed], MessagingEvents.Conversation, new ConversationEvent(conversationId, ConversationChange.Removed));

                    break;
                case MessagingSignals.Members:
                    _members.Remove(conversationId);
                    await LoadMembersAsync(db, [conversationId], cancellationToken);
                    SendTo(conversationId, except: null, MessagingEvents.Conversation, new ConversationEvent(conversationId, signal.Data ?? ConversationChange.Members));
                    break;
                case MessagingSignals.Message:
                    var body = bodies.Take<MessageResponse>(signal.Id) ?? read.GetValueOrDefault(signal.SubjectId ?? Guid.Empty);
                    if (body is not null)
                    {
                        SendTo(conversationId, except: null, MessagingEvents.Message, body);
                    }

                    break;
                case MessagingSignals.Read when signal.UserId is { } reader && signal.SubjectId is { } messageId:
                    var receipt = new ReadEvent(conversationId, reader, messageId, signal.Number ?? 0, signal.At ?? DateTime.UtcNow);
                    SendTo(conversationId, except: null, MessagingEvents.Read, receipt);
                    break;
                case MessagingSignals.Typing when signal.UserId is { } typist:
                    SendTo(conversationId, except: typist, MessagingEvents.Typing, new TypingEvent(conversationId, typist));
                    break;
            }
        }
    }

    private List<Guid> LocalMembers(Guid conversationId, Guid? except)
    {
        var here = new List<Guid>();
        foreach (var userId in _members.GetValueOrDefault(conversationId) ?? [])
        {
            if (userId != except && sender.IsConnected(userId))
            {
                here.Add(userId);
            }
        }

        return here;
    }

    private void SendTo(Guid conversationId, Guid? except, string eventName, object payload)
    {
        var here = LocalMembers(conversationId, except);
        if (here.Count > 0)
        {
            sender.Send(here, eventName, payload);
        }
    }

    private async Task LoadMembersAsync(SpotlightDb db, List<Guid> conversationIds, CancellationToken cancellationToken)
    {
        if (conversationIds.Count == 0)
        {
            return;
        }

        var rows = await db.Set<ConversationMember>().AsNoTracking().Where(m => conversationIds.Contains(m.ConversationId))
            .Select(m => new { m.ConversationId, m.UserId }).ToListAsync(cancellationToken);
        var byConversation = rows.ToLookup(r => r.ConversationId, r => r.UserId);
        foreach (var id in conversationIds)
        {
            _members[id] = byConversation[id].ToArray();
        }
    }
}
