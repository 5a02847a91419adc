using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Spotlight.Realtime.Connections;

/// <summary>
/// The hub connections open on this node, by user: who is here to deliver to, and whom to close when a user is banned
/// or a session ends. The hub adds and removes; it keeps no state of its own.
/// </summary>
public sealed class LocalConnections
{
    private readonly ConcurrentDictionary<string, Connection> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Connection[]> _byUser = new();
    private readonly Lock _gate = new();

    public int Count => _byId.Count;

    public int UserCount => _byUser.Count;

    public void Add(Guid userId, HubCallerContext context)
    {
        var connection = new Connection(userId, context);
        lock (_gate)
        {
            _byId[context.ConnectionId] = connection;
            _byUser[userId] = _byUser.TryGetValue(userId, out var existing) ? [.. existing, connection] : [connection];
        }
    }

    /// <summary>False when the connection was not (or no longer) registered.</summary>
    public bool Remove(string connectionId)
    {
        lock (_gate)
        {
            if (!_byId.TryRemove(connectionId, out var connection))
            {
                return false;
            }

            if (_byUser.TryGetValue(connection.UserId, out var existing))
            {
                var rest = existing.Where(c => c.Context.ConnectionId != connectionId).ToArray();
                if (rest.Length == 0)
                {
                    _byUser.TryRemove(connection.UserId, out _);
                }
                else
                {
                    _byUser[connection.UserId] = rest;
                }
            }

            return true;
        }
    }

    public bool Has(Guid userId) => _byUser.ContainsKey(userId);

    public IReadOnlyList<Connection> OfUser(Guid userId) => _byUser.TryGetValue(userId, out var connections) ? connections : [];

    public IReadOnlyCollection<Connection> All() => _byId.Values.ToArray();

    /// <summary>Closes every connection of the user on this node; returns how many.</summary>
    public int Abort(Guid userId)
    {
        var connections = OfUser(userId);
        foreach (var connection in connections)
        {
            connection.Context.Abort();
        }

        return connections.Count;
    }

    public sealed record Connection(Guid UserId, HubCallerContext Context);
}
