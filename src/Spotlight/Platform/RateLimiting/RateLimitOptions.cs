using Microsoft.Extensions.Options;

namespace Spotlight.Platform.RateLimiting;

/// <summary><c>RateLimiting:*</c>. Fixed windows; limits per user by tier, per IP for anonymous callers, plus named policies.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    public bool Enabled { get; set; } = true;

    /// <summary><c>memory</c> (one node) or <c>postgres</c> (several nodes share counters). Empty: follows the database provider.</summary>
    public string? Store { get; set; }

    /// <summary>Requests per minute by tier. Role <c>admin</c> is not limited.</summary>
    public Dictionary<string, int> Tiers { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["free"] = 300,
        ["premium"] = 1200,
        ["creator"] = 3000,
    };

    /// <summary>Requests per minute for a caller without a token, per client IP.</summary>
    public int Anonymous { get; set; } = 300;

    /// <summary>Named policies endpoints attach with <c>RequireRateLimit("name")</c>.</summary>
    public Dictionary<string, RateLimitPolicy> Policies { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["login"] = new() { Limit = 10, WindowSeconds = 60 },
        ["login-email"] = new() { Limit = 10, WindowSeconds = 60 },
        ["register"] = new() { Limit = 20, WindowSeconds = 3600 },
        ["password-reset"] = new() { Limit = 5, WindowSeconds = 3600 },
        // A machine's signed webhooks (payment provider, LiveKit), per sending IP, in place of the anonymous budget: one
        // LiveKit node reports every join and leave of a live with thousands of viewers from one address.
        ["webhooks"] = new() { Limit = 6000, WindowSeconds = 60 },
    };

    /// <summary>What is wrong with these settings, each naming its setting (the console refuses the same for the tiers it saves).</summary>
    internal static IEnumerable<string> Problems(RateLimitOptions options)
    {
        if (options.Store is { } store && !string.Equals(store, "memory", StringComparison.OrdinalIgnoreCase) && !string.Equals(store, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"RateLimiting:Store must be 'memory' or 'postgres' (or unset), not '{store}'.";
        }

        if (options.Anonymous < 1)
        {
            yield return "RateLimiting:Anonymous must be at least 1.";
        }

        foreach (var (tier, limit) in options.Tiers.Where(t => t.Value < 1))
        {
            yield return $"RateLimiting:Tiers:{tier} must be at least 1, not {limit}.";
        }

        foreach (var (name, policy) in options.Policies.Where(p => p.Value.Limit < 1 || p.Value.WindowSeconds < 1))
        {
            yield return $"RateLimiting:Policies:{name} needs Limit and WindowSeconds of at least 1.";
        }
    }
}

public sealed class RateLimitPolicy
{
    public int Limit { get; set; }

    public int WindowSeconds { get; set; } = 60;
}

/// <summary>Endpoint metadata naming a policy applied per client IP on top of the caller's own limit.</summary>
/// <summary>A named policy on an endpoint; <paramref name="InsteadOfCallerLimit"/>: the policy replaces the per-caller budget.</summary>
public sealed record RateLimitPolicyMetadata(string Name, bool InsteadOfCallerLimit = false);

/// <summary>What one hit on a counter decided.</summary>
public readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, int ResetSeconds);

/// <summary>
/// The per-minute limits by tier and for anonymous callers, read on every request so that a change at run time (a value
/// saved in the admin console is configuration too) takes effect without a restart.
/// </summary>
public interface IRateLimitTiers
{
    int AnonymousPerMinute { get; }

    int PerMinute(string tier);
}

/// <summary><see cref="RateLimitOptions"/> as configured now (<c>IOptionsMonitor</c>): console-saved limits win over <c>RateLimiting:*</c>.</summary>
internal sealed class ConfiguredRateLimitTiers(IOptionsMonitor<RateLimitOptions> monitor) : IRateLimitTiers
{
    public int AnonymousPerMinute => monitor.CurrentValue.Anonymous;

    public int PerMinute(string tier)
    {
        var options = monitor.CurrentValue;
        return options.Tiers.TryGetValue(tier, out var perTier) ? perTier : options.Tiers.GetValueOrDefault("free", options.Anonymous);
    }
}
