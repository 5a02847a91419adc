using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.SignalR;
using Spotlight.Platform.Errors;
using Spotlight.Platform.RateLimiting;

namespace Spotlight.Realtime.Hub;

/// <summary>
/// Marks a hub method that stores nothing and is sent often (typing): only the per-connection flood limit applies to it,
/// not the per-user budget shared with REST (connections per user are capped, so it cannot be multiplied far).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class NotChargedToUserBudgetAttribute : Attribute;

/// <summary>
/// Two limits around every hub invocation. Per connection, a flood limit: at most
/// <see cref="RealtimeOptions.InvocationsPerSecond"/> per second (a token bucket), more get a <c>rate_limited</c> hub error,
/// and a connection refused <see cref="RealtimeOptions.RefusalsBeforeDisconnect"/> times within a minute is closed. Per
/// user, the REST budget: each invocation (but those marked <see cref="NotChargedToUserBudgetAttribute"/>) is a hit on the same per-minute counter as the user's requests (the platform's
/// <see cref="RateLimits"/>, shared by every node on PostgreSQL), so many connections cannot multiply it; over it the call
/// gets <c>rate_limited</c> with the seconds to wait, and the connection stays open. Also turns an unexpected failure
/// into a stable <c>internal_error</c> (or <c>service_unavailable</c>) for the caller alone, after logging it.
/// </summary>
internal sealed class HubInvocationLimits(RealtimeOptions options, RateLimits limiter, RealtimeMetrics metrics, ILogger<HubInvocationLimits> logger) : IHubFilter
{
    private static readonly object Key = new();

    /// <summary>Per hub method, read once: reflection stays off the path of every invocation.</summary>
    private static readonly ConcurrentDictionary<MethodInfo, bool> ChargedToUserBudget = new();

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = invocation.Context;
        var bucket = (InvocationBucket)(context.Items.TryGetValue(Key, out var existing) ? existing! : context.Items[Key] = new InvocationBucket());
        var now = Stopwatch.GetTimestamp();
        if (!bucket.TryTake(now, options.InvocationsPerSecond))
        {
            metrics.Refusals.Add(1, new KeyValuePair<string, object?>("reason", "rate_limited"));
            if (bucket.Refused(now) >= options.RefusalsBeforeDisconnect)
            {
                metrics.Refusals.Add(1, new KeyValuePair<string, object?>("reason", "flood_disconnect"));
                logger.LogWarning("Closing connection {ConnectionId} of user {UserId}: it kept invoking past its limit", context.ConnectionId, context.UserIdentifier);
                context.Abort();
            }

            throw HubErrors.Create("rate_limited", $"At most {options.InvocationsPerSecond} calls per second; slow down.");
        }

        var started = Stopwatch.GetTimestamp();
        using var span = Platform.Observability.SpotlightTracing.Source.StartActivity("hub " + invocation.HubMethodName, ActivityKind.Server);
        span?.SetTag(Platform.Observability.SpotlightTracing.RequestIdTag, context.GetHttpContext()?.TraceIdentifier); // the connection's request
        try
        {
            if (ChargedToUserBudget.GetOrAdd(invocation.HubMethod, m => !Attribute.IsDefined(m, typeof(NotChargedToUserBudgetAttribute))))
            {
                await SpendUserBudgetAsync(context);
            }

            return await next(invocation);
        }
        catch (HubException)
        {
            throw;
        }
        catch (OperationCanceledException) when (context.ConnectionAborted.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (ApiExceptionHandler.IsTransientDatabaseFailure(exception))
        {
            logger.LogWarning(exception, "Hub method {Method} failed: database unavailable", invocation.HubMethodName);
            throw HubErrors.Create("service_unavailable", "The service is briefly unavailable; retry shortly.");
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Hub method {Method} failed for connection {ConnectionId}", invocation.HubMethodName, context.ConnectionId);
            throw HubErrors.Create("internal_error", "An unexpected error occurred.");
        }
        finally
        {
            metrics.InvocationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("method", invocation.HubMethodName));
        }
    }

    private async Task SpendUserBudgetAsync(HubCallerContext context)
    {
        if (!limiter.Options.Enabled || context.User is null || limiter.UserLimit(context.User) is not { } user)
        {
            return;
        }

        var decision = await limiter.HitAsync(user.Partition, user.Limit, 60, context.ConnectionAborted);
        if (!decision.Allowed)
        {
            limiter.CountRejection("hub");
            metrics.Refusals.Add(1, new KeyValuePair<string, object?>("reason", "user_rate_limited"));
            throw HubErrors.Create("rate_limited",
                $"This account made more than {decision.Limit} requests this minute (API and realtime together). Retry after {decision.ResetSeconds} seconds.");
        }
    }

    /// <summary>Tokens refill continuously at the per-second rate, up to one second's worth.</summary>
    private sealed class InvocationBucket
    {
        private readonly Lock _gate = new();
        private double _tokens = -1;
        private long _refilledAt;
        private int _refusals;
        private long _refusalWindowStart;

        public bool TryTake(long now, int perSecond)
        {
            lock (_gate)
            {
                if (_tokens < 0)
                {
                    _tokens = perSecond;
                    _refilledAt = now;
                }

                _tokens = Math.Min(perSecond, _tokens + (Stopwatch.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond));
                _refilledAt = now;
                if (_tokens < 1)
                {
                    return false;
                }

                _tokens -= 1;
                return true;
            }
        }

        public int Refused(long now)
        {
            lock (_gate)
            {
                if (Stopwatch.GetElapsedTime(_refusalWindowStart, now) > TimeSpan.FromMinutes(1))
                {
                    _refusalWindowStart = now;
                    _refusals = 0;
                }

                return ++_refusals;
            }
        }
    }
}
