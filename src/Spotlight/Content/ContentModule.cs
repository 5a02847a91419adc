using Spotlight.Content.Discovery;
using Spotlight.Content.Media;
using Spotlight.Content.Posts;
using Spotlight.Content.Unlocks;
using Spotlight.Identity.Account;

namespace Spotlight.Content;

/// <summary>
/// Posts with photos and videos, who may see them (one entitlement function), premium unlocks, feeds, likes, comments,
/// hashtags and search (API.md, Content). Each part registers and maps itself from its own folder.
/// </summary>
public static class ContentModule
{
    public static WebApplicationBuilder AddContent(this WebApplicationBuilder builder)
    {
        MediaFeature.Add(builder);
        PostsFeature.Add(builder);
        UnlocksFeature.Add(builder);
        DiscoveryFeature.Add(builder);
        builder.Services.AddPersonalData<ContentPersonalData>();
        return builder;
    }

    public static IEndpointRouteBuilder MapContent(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Content");
        MediaFeature.Map(api);
        PostsFeature.Map(api);
        UnlocksFeature.Map(api);
        DiscoveryFeature.Map(api);
        return app;
    }
}
