using Spotlight.Moderation;

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
        services.AddScoped<ChangePost>();
        services.AddScoped<PostLists>();
        services.AddScoped<Likes>();
        services.AddScoped<Comments>();
        services.AddScoped<IReportTarget, PostReportTarget>();
        services.AddScoped<IReportTarget, CommentReportTarget>();
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/posts", PostsApi.Create).RequireAuthorization().WithName("CreatePost")
            .WithSummary("Publish a post: text, up to 10 media, visibility public, followers, subscribers (plans) or premium (price)");
        api.MapGet("/posts/{id:guid}", PostsApi.Get).WithName("GetPost")
            .WithSummary("One post, whole or locked as the caller may see it (no token: gated posts locked); 404 when it may not be seen at all");
        api.MapPatch("/posts/{id:guid}", PostsApi.Edit).RequireAuthorization().WithName("EditPost")
            .WithSummary("Edit your post: text, visibility, planIds, price, pinned (3 at most), commentsClosed");
        api.MapDelete("/posts/{id:guid}", PostsApi.Delete).RequireAuthorization().WithName("DeletePost")
            .WithSummary("Delete a post (its author, a moderator or an admin): gone from every list, its media no longer served");
        api.MapGet("/users/{id:guid}/posts", PostsApi.OfUser).WithName("UserPosts")
            .WithSummary("A user's posts as the caller may see them: pinned first, then newest first");
        api.MapGet("/feed", PostsApi.Feed).RequireAuthorization().WithName("FollowingFeed")
            .WithSummary("Posts of the accounts the caller follows, newest first; the cursor keeps a page stable while new posts arrive");
        api.MapGet("/hashtags/{tag}/posts", PostsApi.OfHashtag).WithName("HashtagPosts")
            .WithSummary("Posts carrying a #hashtag (case-insensitive, with or without the #), newest first");
        api.MapPost("/posts/{id:guid}/like", PostsApi.Like).RequireAuthorization().WithName("LikePost")
            .WithSummary("Like a post you can see (locked included); repeating it changes nothing");
        api.MapDelete("/posts/{id:guid}/like", PostsApi.Unlike).RequireAuthorization().WithName("UnlikePost")
            .WithSummary("Take your like back; repeating it changes nothing");
        api.MapGet("/posts/{id:guid}/comments", PostsApi.ListComments).RequireAuthorization().WithName("ListComments")
            .WithSummary("A post's top-level comments newest first, or with ?parentId= one comment's replies; gated posts: for those who see them whole");
        api.MapPost("/posts/{id:guid}/comments", PostsApi.AddComment).RequireAuthorization().WithName("AddComment")
            .WithSummary("Comment on a post you see whole, or reply to a top-level comment with parentId");
        api.MapDelete("/comments/{id:guid}", PostsApi.DeleteComment).RequireAuthorization().WithName("DeleteComment")
            .WithSummary("Delete a comment (its author, the post's author, a moderator or an admin); a comment takes its replies with it");
    }
}
