using System.Reflection;
using System.Security.Cryptography;

namespace Spotlight.Admin.Console;

/// <summary>
/// The console's stylesheet and script, embedded in the assembly (no static-files pipeline or build step needed) and
/// served with a content hash in the URL, so they can be cached for a year and never go stale.
/// </summary>
public static class AdminAssets
{
    private static readonly Dictionary<string, Asset> Assets = Load();

    public static string Url(string name) => $"/admin/assets/{name}?v={Assets[name].Hash}";

    internal static IEndpointConventionBuilder MapAdminAssets(this IEndpointRouteBuilder app) =>
        app.MapGet("/admin/assets/{name}", (string name, HttpContext http) =>
        {
            if (!Assets.TryGetValue(name, out var asset))
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            http.Response.Headers.ETag = $"\"{asset.Hash}\"";
            return Results.Bytes(asset.Content, asset.ContentType);
        }).ExcludeFromDescription().AllowAnonymous();

    private static Dictionary<string, Asset> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("AdminAssets.", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var content = memory.ToArray();
            var name = resource["AdminAssets.".Length..];
            var type = name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            assets[name] = new Asset(content, type, Convert.ToHexStringLower(SHA256.HashData(content))[..12]);
        }

        return assets;
    }

    private sealed record Asset(byte[] Content, string ContentType, string Hash);
}
