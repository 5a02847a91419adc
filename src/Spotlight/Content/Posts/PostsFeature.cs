namespace Spotlight.Content.Posts;

/// <summary>Registers and maps the posts part of Content; called by <see cref="ContentModule"/>.</summary>
internal static class PostsFeature
{
    public static void Add(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<IPostEntitlement, PostEntitlement>();
        services.AddScoped<IPostReader, PostReader>();
        services.AddScoped<CreatePost>();
        services.AddScoped<ReadPost>();
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/posts", PostsApi.Create).RequireAuthorization().WithName("CreatePost")
            .WithSummary("Publish a post: text, up to 10 media, visibility public, followers, subscribers (plans) or premium (price)");
        api.MapGet("/posts/{id:guid}", PostsApi.Get).WithName("GetPost")
            .WithSummary("One post, whole or locked as the caller may see it (no token: gated posts locked); 404 when it may not be seen at all");
    }
}
