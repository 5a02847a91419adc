using Spotlight.Identity;
using Spotlight.Identity.Tokens;
using Spotlight.Realtime.Fanout;

namespace Spotlight.Realtime.Connections;

/// <summary>
/// A connection outlives the check made when it opened. Every <see cref="RealtimeOptions.SessionCheckSeconds"/> this node
/// asks Identity again whether each connection's session is live and its user's security stamp current (cached by
/// Identity for 30 s), and closes those that are not: a revoked session, a logout, a password reset, a role change. A
/// ban closes connections at once on every node (<see cref="BanListener"/>); token expiry is SignalR's own check.
/// </summary>
internal sealed class SessionWatch(
    LocalConnections connections,
    SessionStateCache sessions,
    RealtimeOptions options,
    RealtimeMetrics metrics,
    TimeProvider time,
    ILogger<SessionWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.SessionCheckSeconds), time, stoppingToken);
                await CheckAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a database hiccup must not end the watch
            catch (Exception exception)
#pragma warning restore CA1031
            {
                logger.LogWarning(exception, "Checking the sessions of hub connections failed; retrying");
            }
        }
    }

    internal async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        var closed = 0;
        foreach (var connection in connections.All())
        {
            if (connection.Context.User is { } user && !await sessions.IsCurrentAsync(user, cancellationToken))
            {
                connection.Context.Abort();
                closed++;
            }
        }

        if (closed > 0)
        {
            metrics.Refusals.Add(closed, new KeyValuePair<string, object?>("reason", "session_ended"));
            logger.LogInformation("Closed {Count} hub connection(s) whose session ended", closed);
        }

        return closed;
    }
}

/// <summary>Identity calls it when an admin bans a user: every node closes that user's connections (a durable signal).</summary>
internal sealed class BanListener(RealtimeFeed feed) : IUserEventsListener
{
    public Task UserBannedAsync(Guid userId) =>
        feed.PublishAsync(new RealtimeSignal { Kind = SignalKinds.Banned, UserId = userId }, durable: true);
}
