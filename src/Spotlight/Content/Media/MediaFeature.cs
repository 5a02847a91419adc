namespace Spotlight.Content.Media;

/// <summary>Registers and maps the media part of Content; called by <see cref="ContentModule"/>.</summary>
internal static class MediaFeature
{
    public static void Add(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MediaUrls>();
        builder.Services.AddScoped<PostMedia>();
        builder.Services.AddScoped<IPostMedia>(sp => sp.GetRequiredService<PostMedia>());
    }

    public static void Map(RouteGroupBuilder api)
    {
    }
}
