using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Observability;

namespace Spotlight.Platform.RateLimiting;

/// <summary>
/// Decides whether a caller may go on; features use it directly for limits keyed by something in the body (login per email).
/// Fixed-window counters in a shared store, not the framework's <c>System.Threading.RateLimiting</c> limiters: see
/// docs/decisions/0006-rate-limiting.md.
/// </summary>
public sealed class RateLimits(IRateLimitStore store, IOptionsMonitor<RateLimitOptions> settings, IRateLimitTiers tiers, TimeProvider time, PlatformMetrics metrics)
{
    /// <summary>The settings as they are now (a value saved in the admin console applies without a restart).</summary>
    public RateLimitOptions Options => settings.CurrentValue;

    public async ValueTask<RateLimitDecision> HitAsync(string partition, int limit, int windowSeconds, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var windowStart = now - (now % windowSeconds);
        var count = await store.IncrementAsync(partition, windowStart, windowSeconds, cancellationToken);
        var reset = (int)(windowStart + windowSeconds - now);
        return new RateLimitDecision(count <= limit, limit, (int)Math.Max(0, limit - count), Math.Max(1, reset));
    }

    public ValueTask<RateLimitDecision> HitPolicyAsync(string policy, string partition, CancellationToken cancellationToken)
    {
        var limit = Options.Policies.TryGetValue(policy, out var found) ? found : throw new InvalidOperationException($"Unknown rate-limit policy '{policy}'.");
        return HitAsync($"p:{policy}:{partition}", limit.Limit, limit.WindowSeconds, cancellationToken);
    }

    public static void WriteHeaders(HttpContext context, RateLimitDecision decision)
    {
        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Counts the rejection, sets the X-RateLimit headers and Retry-After, and returns the 429 to answer with.</summary>
    public ProblemHttpResult Reject(HttpContext context, RateLimitDecision decision, string policy)
    {
        CountRejection(policy);
        WriteHeaders(context, decision);
        context.Response.Headers.RetryAfter = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        return ApiProblem.Create(StatusCodes.Status429TooManyRequests, "rate_limited", $"Too many requests. Retry after {decision.ResetSeconds} seconds.");
    }

    public void CountRejection(string policy) => metrics.RateLimitRejections.Add(1, new KeyValuePair<string, object?>("policy", policy));

    /// <summary>The per-caller limit: by tier for a signed-in user, by client IP otherwise; <c>null</c> when the caller is not limited.</summary>
    public (string Partition, int Limit)? CallerLimit(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true && context.User.FindFirstValue("sub") is not null
            ? UserLimit(context.User)
            : ($"ip:{ClientIp(context)}", tiers.AnonymousPerMinute);

    /// <summary>
    /// A signed-in user's per-minute budget by tier, one counter for every way in (REST requests and hub invocations
    /// alike); <c>null</c> for an admin, who is not limited, or a principal without a subject.
    /// </summary>
    public (string Partition, int Limit)? UserLimit(ClaimsPrincipal user) =>
        user.FindFirstValue("sub") is not { } subject || user.HasClaim("role", "admin")
            ? null
            : ($"u:{subject}", tiers.PerMinute(user.FindFirstValue("tier") ?? "free"));

    public static string ClientIp(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

/// <summary>Applies the caller's limit and any named policy to every <c>/api</c> request, with the three X-RateLimit headers.</summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, RateLimits limiter)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!limiter.Options.Enabled || !context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }

        var aborted = context.RequestAborted;
        RateLimitDecision? shown = null;
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<RateLimitPolicyMetadata>();
        if (policy is not { InsteadOfCallerLimit: true } && limiter.CallerLimit(context) is { } caller)
        {
            var decision = await limiter.HitAsync(caller.Partition, caller.Limit, 60, aborted);
            if (!decision.Allowed)
            {
                await limiter.Reject(context, decision, "caller").ExecuteAsync(context);
                return;
            }

            shown = decision;
        }

        if (policy is not null)
        {
            var decision = await limiter.HitPolicyAsync(policy.Name, "ip:" + RateLimits.ClientIp(context), aborted);
            if (!decision.Allowed)
            {
                await limiter.Reject(context, decision, policy.Name).ExecuteAsync(context);
                return;
            }

            shown = decision;
        }

        if (shown is { } headers)
        {
            RateLimits.WriteHeaders(context, headers);
        }

        await next(context);
    }
}

public static class RateLimitEndpointConventions
{
    /// <summary>Attaches a named policy from <c>RateLimiting:Policies</c>, counted per client IP.</summary>
    public static TBuilder RequireRateLimit<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RateLimitPolicyMetadata(policy));

    /// <summary>
    /// For an endpoint a machine calls with a signed body (a payment provider's or LiveKit's webhooks): counted under the
    /// <c>webhooks</c> policy per sending IP instead of the anonymous per-IP budget, which a busy sender would exhaust.
    /// The signature is still checked on every request.
    /// </summary>
    public static TBuilder RequireWebhookRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RateLimitPolicyMetadata("webhooks", InsteadOfCallerLimit: true));
}
