namespace Spotlight.Content.Discovery;

/// <summary>Registers and maps the discovery part of Content; called by <see cref="ContentModule"/>.</summary>
internal static class DiscoveryFeature
{
    public static void Add(WebApplicationBuilder builder)
    {
    }

    public static void Map(RouteGroupBuilder api)
    {
    }
}
