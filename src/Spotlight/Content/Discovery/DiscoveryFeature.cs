using Spotlight.Content.Discovery.ForYou;
using Spotlight.Content.Discovery.Search;
using Spotlight.Data;
using Spotlight.Platform;
using Spotlight.Platform.Events;
using Spotlight.Wallet;

namespace Spotlight.Content.Discovery;

/// <summary>Registers and maps the discovery part of Content (search, the for-you feed); called by <see cref="ContentModule"/>.</summary>
internal static class DiscoveryFeature
{
    public static void Add(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings<ForYouOptions>(ForYouOptions.Section)
            .Validate(o => o.IsValid(), "Content:ForYou: weights, boost and windows must be finite and 0 or more, DecaySeconds more than 0.");

        // One text index per provider, chosen once from the same setting that chose the database.
        var database = builder.Configuration.ReadSettings<DatabaseOptions>(DatabaseOptions.Section);
        if (database.IsPostgres)
        {
            services.AddScoped<IPostTextIndex, PostgresPostTextIndex>();
        }
        else
        {
            services.AddScoped<IPostTextIndex, SqlitePostTextIndex>();
        }

        services.AddScoped<SearchUsers>();
        services.AddScoped<SearchPosts>();
        services.AddScoped<SearchHashtags>();
        services.AddScoped<ForYouFeed>();
        services.AddScoped<PostRanking>();
        services.AddEventHandler<PostPublished, RankOnPublished>();
        services.AddEventHandler<PostLiked, RankOnLiked>();
        services.AddEventHandler<CommentAdded, RankOnCommented>();
        services.AddEventHandler<PostUnlocked, RankOnUnlocked>();
        services.AddEventHandler<GiftSent, RankOnGift>();
        services.AddJob<ForYouCleanupJob>(every: TimeSpan.FromHours(1));
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/search", SearchApi.Search).WithName("Search")
            .WithSummary("Search users (handle or display name prefix), posts (every word, newest first, only posts the caller may read whole) or hashtags (prefix, with post counts); type defaults to posts");
        api.MapGet("/feed/for-you", ForYouApi.ForYou).RequireAuthorization().WithName("ForYouFeed")
            .WithSummary("Posts ranked by engagement with time decay (followed accounts' recent posts raised), leaving out blocked authors and what this feed served the caller recently");
    }
}
