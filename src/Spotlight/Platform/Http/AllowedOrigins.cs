using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Spotlight.Platform.Http;

/// <summary>
/// The browser origins allowed to call the API with CORS. Read on every preflight, so a source that changes at run time
/// (the admin console's settings) takes effect without a restart. The default is <c>Cors:AllowedOrigins</c>.
/// </summary>
public interface IAllowedOrigins
{
    IReadOnlyList<string> Current { get; }
}

internal sealed class ConfiguredAllowedOrigins(IConfiguration configuration) : IAllowedOrigins
{
    private readonly string[] _origins = configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];

    public IReadOnlyList<string> Current => _origins;
}

/// <summary>The default CORS policy, built from <see cref="IAllowedOrigins"/> and rebuilt only when the list changes.</summary>
internal sealed class AllowedOriginsPolicyProvider(IAllowedOrigins origins) : ICorsPolicyProvider
{
    private static readonly string[] ExposedHeaders =
        ["X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "Idempotent-Replayed"];

    private volatile Cached? _cached; // one reference, swapped whole: readers never see half of an update

    public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        var current = origins.Current;
        if (_cached is { } hit && ReferenceEquals(hit.Origins, current))
        {
            return Task.FromResult<CorsPolicy?>(hit.Policy);
        }

        var builder = new CorsPolicyBuilder();
        if (current.Count > 0)
        {
            builder.WithOrigins([.. current]).AllowAnyHeader().AllowAnyMethod().AllowCredentials().WithExposedHeaders(ExposedHeaders);
        }

        var policy = builder.Build();
        _cached = new Cached(current, policy);
        return Task.FromResult<CorsPolicy?>(policy);
    }

    private sealed record Cached(IReadOnlyList<string> Origins, CorsPolicy Policy);
}
