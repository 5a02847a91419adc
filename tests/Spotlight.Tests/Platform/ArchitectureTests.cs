using System.Reflection;
using Microsoft.AspNetCore.Routing;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

/// <summary>Rules of the codebase, kept true by reflection over what the app really maps and contains.</summary>
public sealed class ArchitectureTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private IEnumerable<RouteEndpoint> Endpoints => app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    [Fact]
    public void Api_handlers_are_static_methods_not_lambdas_that_capture_state()
    {
        var offenders = Endpoints
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .Select(e => (Route: e.RoutePattern.RawText, Method: e.Metadata.OfType<MethodInfo>().FirstOrDefault()))
            .Where(e => e.Method is null || !e.Method.IsStatic || e.Method.Name.Contains('<', StringComparison.Ordinal))
            .Select(e => e.Route)
            .ToList();
        Assert.True(offenders.Count == 0, "Not a named static handler: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Nothing_can_change_or_delete_an_audit_entry()
    {
        var writers = Endpoints
            .Where(e => e.RoutePattern.RawText!.Contains("audit", StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            .Where(m => m is not ("GET" or "HEAD"))
            .ToList();
        Assert.Empty(writers);
        var auditLog = typeof(Spotlight.Platform.Audit.AuditLog);
        Assert.DoesNotContain(auditLog.GetMethods(), m => m.Name.Contains("Update", StringComparison.Ordinal) || m.Name.Contains("Delete", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_the_data_folder_holds_migrations()
    {
        var misplaced = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(Microsoft.EntityFrameworkCore.Migrations.Migration).IsAssignableFrom(t) || t.Name.EndsWith("ModelSnapshot", StringComparison.Ordinal))
            .Where(t => t.Namespace != "Spotlight.Data.Migrations")
            .Select(t => t.FullName)
            .ToList();
        Assert.Empty(misplaced);
    }

    [Fact]
    public void Every_api_endpoint_has_a_name_and_a_summary_for_the_docs()
    {
        var undocumented = Endpoints
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IEndpointSummaryMetadata>() is null || e.Metadata.GetMetadata<IEndpointNameMetadata>() is null)
            .Select(e => e.RoutePattern.RawText)
            .ToList();
        Assert.True(undocumented.Count == 0, "Without WithName/WithSummary: " + string.Join(", ", undocumented));
    }
}
