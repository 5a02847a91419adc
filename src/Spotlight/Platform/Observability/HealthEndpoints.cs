using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Spotlight.Data;

namespace Spotlight.Platform.Observability;

internal static class HealthEndpoints
{
    public static IHealthChecksBuilder AddSpotlightHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<DataDirectoryHealthCheck>("data_directory", tags: ["ready"]);

    public static void MapHealth(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/health").WithTags("Operations");
        group.MapHealthChecks("/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson })
            .WithSummary("The process is up").WithMetadata(new ProducesResponseTypeMetadata(200, typeof(HealthReportResponse), ["application/json"]));
        group.MapHealthChecks("/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteJson })
            .WithSummary("The database is reachable and migrated, the data directory is writable")
            .WithMetadata(new ProducesResponseTypeMetadata(200, typeof(HealthReportResponse), ["application/json"]),
                new ProducesResponseTypeMetadata(503, typeof(HealthReportResponse), ["application/json"]));
    }

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new HealthReportResponse(
            report.Status.ToString().ToLowerInvariant(),
            report.TotalDuration.TotalMilliseconds,
            report.Entries.ToDictionary(e => e.Key, e => new HealthCheckResponse(e.Value.Status.ToString().ToLowerInvariant(), e.Value.Description, e.Value.Duration.TotalMilliseconds)));
        return JsonSerializer.SerializeAsync(context.Response.Body, body, HealthJson.Options);
    }

    private static class HealthJson
    {
        public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
    }
}

internal sealed record HealthReportResponse(string Status, double DurationMs, IReadOnlyDictionary<string, HealthCheckResponse> Checks);

internal sealed record HealthCheckResponse(string Status, string? Description, double DurationMs);

internal sealed class DatabaseHealthCheck(SpotlightDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("The database cannot be reached.");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy($"{db.Database.ProviderName?.Split('.').Last()} reachable; all migrations applied.")
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied: {string.Join(", ", pending)}.");
        }
#pragma warning disable CA1031 // a health check reports every failure instead of throwing
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy("The database check failed: " + exception.GetType().Name);
        }
    }
}

internal sealed class DataDirectoryHealthCheck(DataDirectory dataDirectory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = dataDirectory.Combine($".health-{Environment.ProcessId}");
        try
        {
            await File.WriteAllTextAsync(probe, "ok", cancellationToken);
            File.Delete(probe);
            return HealthCheckResult.Healthy("The data directory is writable.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("The data directory is not writable: " + exception.GetType().Name);
        }
    }
}
