using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// A notice that something happened which connected users should hear of. It carries ids and small fields only, so it
/// fits a PostgreSQL NOTIFY payload (under 8,000 bytes) however large the thing it points at; the node that delivers it
/// reads bodies from the database (or from <see cref="SignalBodies"/> on the node that raised it).
/// </summary>
public sealed record RealtimeSignal
{
    public const int MaxPayloadBytes = 7900;

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Unique per signal (UUID v7): how a node that catches up after losing its listener skips what it already delivered.</summary>
    [JsonPropertyName("i")]
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>What happened; one of <see cref="SignalKinds"/>. Each kind has one <see cref="ISignalDelivery"/>.</summary>
    [JsonPropertyName("k")]
    public required string Kind { get; init; }

    [JsonPropertyName("c")]
    public Guid? ConversationId { get; init; }

    [JsonPropertyName("u")]
    public Guid? UserId { get; init; }

    /// <summary>The thing the signal is about: a message, a notification, a live session.</summary>
    [JsonPropertyName("s")]
    public Guid? SubjectId { get; init; }

    [JsonPropertyName("n")]
    public long? Number { get; init; }

    [JsonPropertyName("b")]
    public bool? Flag { get; init; }

    [JsonPropertyName("t")]
    public DateTime? At { get; init; }

    /// <summary>A small JSON document for kinds that carry their own body (a live event's payload).</summary>
    [JsonPropertyName("d")]
    public string? Data { get; init; }

    public string Serialize()
    {
        var json = JsonSerializer.Serialize(this, Json);
        if (System.Text.Encoding.UTF8.GetByteCount(json) > MaxPayloadBytes)
        {
            throw new InvalidOperationException($"A '{Kind}' signal is larger than {MaxPayloadBytes} bytes; carry ids and read bodies from the database.");
        }

        return json;
    }

    public static RealtimeSignal? Parse(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<RealtimeSignal>(payload, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A NOTIFY payload: one signal, or a JSON array of them.</summary>
    public static IReadOnlyList<RealtimeSignal> ParseMany(string payload)
    {
        try
        {
            return payload.StartsWith('[')
                ? JsonSerializer.Deserialize<RealtimeSignal[]>(payload, Json) ?? []
                : JsonSerializer.Deserialize<RealtimeSignal>(payload, Json) is { } one ? [one] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

/// <summary>
/// Realtime's own kinds of signal. A feature that delivers its own signals (an <see cref="ISignalDelivery"/>) names its
/// kinds itself (Messaging: <c>message</c>, <c>read</c>, <c>typing</c>, <c>members</c>; Notifications: <c>notification</c>);
/// a kind has one delivery.
/// </summary>
public static class SignalKinds
{
    public const string Presence = "presence";
    public const string Banned = "banned";

    /// <summary>An event of <see cref="IRealtimeSender"/> for a live session's room (its payload in the signal).</summary>
    public const string Live = "live";

    /// <summary>A user's connections leave a live session's room (<c>s</c>), or every live room (no <c>s</c>).</summary>
    public const string LiveRemoval = "live-removal";

    /// <summary>An event of <see cref="IRealtimeSender"/> for some users (their ids and the payload in the signal).</summary>
    public const string Event = "event";
    public const string SessionState = "session";
}
