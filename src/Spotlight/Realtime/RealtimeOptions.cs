namespace Spotlight.Realtime;

/// <summary><c>Realtime:*</c>: the hub's limits, presence timing and the listener's retry policy.</summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>Largest message a client may send, in bytes (a 4,000-character text with JSON escapes fits).</summary>
    public long MaximumReceiveMessageSize { get; set; } = 32 * 1024;

    /// <summary>Seconds a new connection has to complete the SignalR handshake.</summary>
    public double HandshakeTimeoutSeconds { get; set; } = 5;

    public double KeepAliveSeconds { get; set; } = 15;

    /// <summary>Seconds without anything (a ping included) from a client before the server drops it.</summary>
    public double ClientTimeoutSeconds { get; set; } = 30;

    /// <summary>Hub invocations one connection may make per second; more get a <c>rate_limited</c> error.</summary>
    public int InvocationsPerSecond { get; set; } = 20;

    /// <summary>Refused invocations within a minute after which the connection is closed.</summary>
    public int RefusalsBeforeDisconnect { get; set; } = 100;

    /// <summary>Open connections one user may hold across all nodes (phones, tabs).</summary>
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>How often each node checks that its connections' sessions are still live (revoked, banned, password changed).</summary>
    public double SessionCheckSeconds { get; set; } = 30;

    /// <summary>How often a node says it is alive; connections of a node silent for <see cref="NodeExpirySeconds"/> count as gone.</summary>
    public double HeartbeatSeconds { get; set; } = 10;

    public double NodeExpirySeconds { get; set; } = 45;

    /// <summary>First reconnect delay of the PostgreSQL listener; doubles per failure up to <see cref="ListenerMaxBackoffSeconds"/>.</summary>
    public double ListenerRetrySeconds { get; set; } = 1;

    public double ListenerMaxBackoffSeconds { get; set; } = 30;

    /// <summary>Seconds of silence after which the listener probes its connection.</summary>
    public double ListenerProbeSeconds { get; set; } = 10;

    /// <summary>How far before the moment it was last known alive a reconnected listener re-reads signals (clock skew, long transactions).</summary>
    public double CatchUpMarginSeconds { get; set; } = 30;

    /// <summary>Minutes <c>realtime_events</c> rows are kept for catching up: the longest listener outage a node recovers from.</summary>
    public int EventRetentionMinutes { get; set; } = 15;

    /// <summary>
    /// Milliseconds a node gathers live-room events (gifts, counts) before sending them on together, so a viewer may get
    /// several in one WebSocket frame. 0 (the default) sends each at once. Off because bench/live measured it worse at
    /// 2,000 viewers × 50 gifts/s on this box (p99 440 ms at 0, 12.3 s at 25, 8.6 s at 50: docs/live.md#performance),
    /// though it halved the bare SignalR ceiling's CPU at 300 viewers.
    /// </summary>
    public int LiveCoalesceMilliseconds { get; set; }

    /// <summary>Lives one connection may watch at once.</summary>
    public int MaxLivesPerConnection { get; set; } = 5;
}

/// <summary>This server instance among the nodes sharing the database; a new id per start.</summary>
public sealed class RealtimeNode
{
    public string Id { get; } = Truncate($"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");

    private static string Truncate(string id) => id.Length > 100 ? id[^100..] : id;
}
