using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

public sealed partial class OpenApiTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    /// <summary>Endpoints the HTTP contract does not cover: the document itself, the realtime hub (its protocol is in API.md) and the admin console's pages.</summary>
    private static bool Undocumented(string route) =>
        route.StartsWith("/openapi", StringComparison.Ordinal) || route.StartsWith("/hubs", StringComparison.Ordinal) ||
        route == "/admin" || route.StartsWith("/admin/", StringComparison.Ordinal);

    [Fact]
    public async Task Every_endpoint_that_exists_is_described_with_its_method_and_responses()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(e => !Undocumented(e.Route) && e.Methods.Count > 0)
            .ToList();
        Assert.True(endpoints.Count > 30, $"only {endpoints.Count} endpoints found");

        var missing = new List<string>();
        foreach (var (route, methods) in endpoints)
        {
            var path = Constraint().Replace(route.TrimEnd('/'), "{$1}");
            path = path.Length == 0 ? "/" : path;
            foreach (var method in methods)
            {
                if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
                {
                    missing.Add($"{method} {path}");
                    continue;
                }

                var responses = operation.GetProperty("responses");
                Assert.True(responses.EnumerateObject().Any(r => r.Name.StartsWith('2')), $"{method} {path} describes no success response");
                Assert.True(responses.TryGetProperty("500", out _), $"{method} {path} describes no error response");
            }
        }

        Assert.True(missing.Count == 0, "Not in /openapi/v1.json: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Endpoints_that_need_a_token_say_so_and_errors_are_problem_details()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;
        var me = document.GetProperty("paths").GetProperty("/api/v1/me").GetProperty("get");
        Assert.Equal("Bearer", me.GetProperty("security")[0].EnumerateObject().Single().Name);
        Assert.True(me.GetProperty("responses").GetProperty("401").GetProperty("content").TryGetProperty("application/problem+json", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("MeResponse", out _));
    }

    [Fact]
    public async Task The_docs_ui_is_served()
    {
        var response = await app.CreateClient().GetAsync("/docs/index.html");
        response.EnsureSuccessStatusCode();
        Assert.Contains("swagger", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"\{\*?([A-Za-z0-9_]+)(:[^}]*)?\??\}")]
    private static partial Regex Constraint();
}
