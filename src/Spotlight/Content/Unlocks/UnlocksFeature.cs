namespace Spotlight.Content.Unlocks;

/// <summary>Registers and maps the unlocks part of Content; called by <see cref="ContentModule"/>.</summary>
internal static class UnlocksFeature
{
    public static void Add(WebApplicationBuilder builder)
    {
    }

    public static void Map(RouteGroupBuilder api)
    {
    }
}
