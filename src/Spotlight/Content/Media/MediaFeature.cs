namespace Spotlight.Content.Media;

/// <summary>Registers and maps the media part of Content; called by <see cref="ContentModule"/>.</summary>
internal static class MediaFeature
{
    public static void Add(WebApplicationBuilder builder)
    {
    }

    public static void Map(RouteGroupBuilder api)
    {
    }
}
