using System.Net;
using Microsoft.Extensions.Options;

namespace Spotlight.Platform.Observability;

/// <summary><c>Metrics:*</c>: who may scrape <c>/metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>CIDR ranges allowed to scrape without a token. Defaults to loopback only.</summary>
    public string[] AllowedNetworks { get; set; } = ["127.0.0.0/8", "::1/128"];

    /// <summary>A bearer token that also grants access (for a scraper outside the allowed networks).</summary>
    public string? Token { get; set; }

    /// <summary>Restrict access; on by default in Production, off elsewhere.</summary>
    public bool? Restrict { get; set; }

    internal static IEnumerable<string> Problems(MetricsOptions options) =>
        options.AllowedNetworks.Where(n => !IPNetwork.TryParse(n, out _))
            .Select(n => $"Metrics:AllowedNetworks: '{n}' is not a network in CIDR form (127.0.0.0/8).");
}

internal static class MetricsEndpoint
{
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        return endpoints.MapGet("/metrics", (HttpContext context, PrometheusExporter exporter, IOptions<MetricsOptions> options, IHostEnvironment environment) =>
        {
            if (!OperatorAccess.Permits(context, options.Value, environment))
            {
                return Results.Problem(statusCode: 403, detail: "Metrics are served to the configured networks or with the metrics token.",
                    extensions: new Dictionary<string, object?> { ["code"] = "forbidden" });
            }

            return Results.Text(exporter.Scrape(), "text/plain; version=0.0.4; charset=utf-8");
        })
        .WithTags("Operations")
        .WithSummary("Prometheus metrics in the text exposition format")
        .Produces<string>(200, "text/plain")
        .ProducesProblem(403)
        .DisableRequestTimeout();
    }
}

/// <summary>
/// Who sees what only operators should: the metrics and the readiness details. The networks in
/// <c>Metrics:AllowedNetworks</c> (loopback by default) or the <c>Metrics:Token</c> bearer; everyone while access is not
/// restricted (<c>Metrics:Restrict</c>, on by default in Production).
/// </summary>
internal static class OperatorAccess
{
    public static bool Permits(HttpContext context, MetricsOptions options, IHostEnvironment environment) =>
        !(options.Restrict ?? environment.IsProduction()) || IsAllowed(context, options);

    private static bool IsAllowed(HttpContext context, MetricsOptions options)
    {
        if (!string.IsNullOrEmpty(options.Token))
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (header.StartsWith("Bearer ", StringComparison.Ordinal) &&
                System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(header[7..]), System.Text.Encoding.UTF8.GetBytes(options.Token)))
            {
                return true;
            }
        }

        var remote = context.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return false;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        foreach (var network in options.AllowedNetworks)
        {
            if (IPNetwork.TryParse(network, out var parsed) && parsed.Contains(remote))
            {
                return true;
            }
        }

        return false;
    }
}
