namespace Spotlight.Content.Posts;

/// <summary>Registers and maps the posts part of Content; called by <see cref="ContentModule"/>.</summary>
internal static class PostsFeature
{
    public static void Add(WebApplicationBuilder builder)
    {
    }

    public static void Map(RouteGroupBuilder api)
    {
    }
}
