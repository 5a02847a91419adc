using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;
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
        // Probes are answered at once or not at all: no per-request timeout (and none of its timer and token source).
        var group = endpoints.MapGroup("/health").WithTags("Operations");
        group.DisableRequestTimeout();
        group.MapGet("/live", Live).WithName("HealthLive").WithSummary("The process is up (no dependency is checked)")
            .Produces<HealthReportResponse>(StatusCodes.Status200OK, "application/json");
        group.MapGet("/ready", Ready).WithName("HealthReady")
            .WithSummary("Ready for traffic: the database is reachable and migrated, the data directory is writable (503 otherwise); each check's detail for operators only");
    }

    // Probes call this every few seconds on every node: the answer never changes, so it is serialized once.
    private static readonly byte[] LiveBody = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
        new HealthReportResponse("healthy", 0, new Dictionary<string, HealthCheckResponse>()), System.Text.Json.JsonSerializerOptions.Web);

    private static Utf8ContentHttpResult Live(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Text(LiveBody, "application/json");
    }

    private static async Task<Results<Ok<HealthReportResponse>, JsonHttpResult<HealthReportResponse>, Ok<HealthStatusResponse>, JsonHttpResult<HealthStatusResponse>>> Ready(
        HealthCheckService health, HttpContext context, IOptions<MetricsOptions> access, IHostEnvironment environment, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains("ready"), cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        var status = report.Status.ToString().ToLowerInvariant();
        if (!OperatorAccess.Permits(context, access.Value, environment))
        {
            // The checks name the database provider and what failed: for operators only. A load balancer needs the status.
            var summary = new HealthStatusResponse(status);
            return report.Status == HealthStatus.Healthy ? TypedResults.Ok(summary) : TypedResults.Json(summary, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var body = new HealthReportResponse(
            status,
            report.TotalDuration.TotalMilliseconds,
            report.Entries.ToDictionary(e => e.Key, e => new HealthCheckResponse(e.Value.Status.ToString().ToLowerInvariant(), e.Value.Description, e.Value.Duration.TotalMilliseconds)));
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(body)
            : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>What <c>/health/ready</c> tells a caller who is not an operator (<see cref="OperatorAccess"/>).</summary>
public sealed record HealthStatusResponse(string Status);

public sealed record HealthReportResponse(string Status, double DurationMs, IReadOnlyDictionary<string, HealthCheckResponse> Checks);

public sealed record HealthCheckResponse(string Status, string? Description, double DurationMs);

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
