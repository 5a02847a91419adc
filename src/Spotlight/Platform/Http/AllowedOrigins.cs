using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Primitives;

namespace Spotlight.Platform.Http;

/// <summary>
/// The browser origins allowed to call the API with CORS. Read on every preflight, so a change at run time (a list saved
/// in the admin console is configuration too) takes effect without a restart.
/// </summary>
public interface IAllowedOrigins
{
    IReadOnlyList<string> Current { get; }
}

/// <summary>
/// <c>Cors:AllowedOrigins</c>: a list (appsettings.json), or one value with origins separated by new lines, commas or
/// spaces (an environment variable, or the admin console's list, which wins over a configured list). The same list
/// instance until the configuration changes, so the policy below is rebuilt only then.
/// </summary>
internal sealed class ConfiguredAllowedOrigins : IAllowedOrigins
{
    public const string Key = "Cors:AllowedOrigins";
    private volatile string[] _origins;

    public ConfiguredAllowedOrigins(IConfiguration configuration)
    {
        _origins = Read(configuration);
        ChangeToken.OnChange(configuration.GetReloadToken, () =>
        {
            var next = Read(configuration);
            if (!next.SequenceEqual(_origins, StringComparer.Ordinal))
            {
                _origins = next;
            }
        });
    }

    public IReadOnlyList<string> Current => _origins;

    private static string[] Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(Key);
        var listed = string.IsNullOrWhiteSpace(section.Value) ? section.Get<string[]>() ?? [] : [section.Value];
        return [.. listed.SelectMany(o => o.Split(['\n', '\r', ',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(o => o.TrimEnd('/')).Distinct(StringComparer.OrdinalIgnoreCase)];
    }
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
