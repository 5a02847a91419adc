using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Messaging.Conversations;
using Spotlight.Messaging.Messages;
using Spotlight.Realtime;
using Spotlight.Realtime.Connections;
using Spotlight.Realtime.Fanout;
using Spotlight.Realtime.Hub;

namespace Spotlight.Messaging;

/// <summary>
/// Delivers conversation signals to this node's connections of the conversation's members, and to no one else. Members
/// are cached per conversation; a <c>members</c> signal, which comes in order with the messages around it, refreshes the
/// entry, so a removed member stops receiving from the next message on. Bodies come from <see cref="SignalBodies"/> on the
/// node that stored the message, and from one query per batch elsewhere.
/// </summary>
internal sealed class MessagingDelivery(
    IServiceScopeFactory scopes,
    IHubContext<RealtimeHub, IRealtimeClient> hub,
    LocalConnections connections,
    SignalBodies bodies,
    RealtimeMetrics metrics) : ISignalDelivery
{
    private const int MaxCachedConversations = 20_000;
    private readonly Dictionary<Guid, Guid[]> _members = [];

    public IReadOnlyCollection<string> Kinds { get; } = [SignalKinds.Message, SignalKinds.Read, SignalKinds.Typing, SignalKinds.Members];

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
            .Where(s => s.Kind == SignalKinds.Message && s.SubjectId is not null && !bodies.Has(s.Id) && LocalGroups(s.ConversationId!.Value, except: null).Count > 0)
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
                case SignalKinds.Members when signal.UserId is { } removed:
                    if (connections.Has(removed))
                    {
                        Send(hub.Clients.Group(RealtimeHub.UserGroup(removed)).Conversation(new ConversationEvent(conversationId, ConversationChange.Removed)));
                    }

                    break;
                case SignalKinds.Members:
                    _members.Remove(conversationId);
                    await LoadMembersAsync(db, [conversationId], cancellationToken);
                    SendTo(LocalGroups(conversationId, except: null), c => c.Conversation(new ConversationEvent(conversationId, signal.Data ?? ConversationChange.Members)));
                    break;
                case SignalKinds.Message:
                    var body = bodies.Take<MessageResponse>(signal.Id) ?? read.GetValueOrDefault(signal.SubjectId ?? Guid.Empty);
                    if (body is not null)
                    {
                        SendTo(LocalGroups(conversationId, except: null), c => c.Message(body));
                    }

                    break;
                case SignalKinds.Read when signal.UserId is { } reader && signal.SubjectId is { } messageId:
                    var receipt = new ReadEvent(conversationId, reader, messageId, signal.Number ?? 0, signal.At ?? DateTime.UtcNow);
                    SendTo(LocalGroups(conversationId, except: null), c => c.Read(receipt));
                    break;
                case SignalKinds.Typing when signal.UserId is { } typist:
                    SendTo(LocalGroups(conversationId, except: typist), c => c.Typing(new TypingEvent(conversationId, typist)));
                    break;
            }
        }
    }

    private List<string> LocalGroups(Guid conversationId, Guid? except)
    {
        var groups = new List<string>();
        foreach (var userId in _members.GetValueOrDefault(conversationId) ?? [])
        {
            if (userId != except && connections.Has(userId))
            {
                groups.Add(RealtimeHub.UserGroup(userId));
            }
        }

        return groups;
    }

    private void SendTo(List<string> groups, Func<IRealtimeClient, Task> send)
    {
        if (groups.Count > 0)
        {
            Send(send(hub.Clients.Groups(groups)));
        }
    }

    private void Send(Task send) => Sends.Forget(send, metrics);

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
