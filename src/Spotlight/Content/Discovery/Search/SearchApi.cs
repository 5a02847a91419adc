using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Content.Posts;
using Spotlight.Platform.Paging;

namespace Spotlight.Content.Discovery.Search;

/// <summary><c>GET /api/v1/search?q=&amp;type=users|posts|hashtags</c>: anyone may search; a token narrows by blocks and widens by entitlement.</summary>
internal static class SearchApi
{
    public static async Task<Results<Ok<Page<UserCard>>, Ok<Page<PostResponse>>, Ok<Page<HashtagResult>>, ProblemHttpResult>> Search(
        string? q, string? type, int? limit, string? cursor, ClaimsPrincipal caller,
        SearchUsers searchUsers, SearchPosts searchPosts, SearchHashtags searchHashtags, CancellationToken cancellationToken)
    {
        var parsed = SearchRequest.Parse(q, type, limit, cursor);
        if (parsed.Refusal is { } invalid)
        {
            return invalid.ToProblem();
        }

        var request = parsed.Value!;
        var viewer = Viewer.From(caller);
        switch (request.Type)
        {
            case SearchTypes.Users:
                return TypedResults.Ok(await searchUsers.HandleAsync(viewer, request, cancellationToken));
            case SearchTypes.Hashtags:
                return TypedResults.Ok(await searchHashtags.HandleAsync(viewer, request, cancellationToken));
            default:
                var posts = await searchPosts.HandleAsync(viewer, request, cancellationToken);
                return posts.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(posts.Value!);
        }
    }
}
