using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Spotlight.Content.Posts;

/// <summary>Thin adapters from HTTP to the posts use cases (API.md, Content).</summary>
internal static class PostsApi
{
    public static async Task<Results<Created<PostResponse>, ProblemHttpResult>> Create(
        CreatePostRequest request, ClaimsPrincipal caller, CreatePost create, CancellationToken cancellationToken)
    {
        var outcome = await create.HandleAsync(Viewer.From(caller), request, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/v1/posts/{outcome.Value!.Id}", outcome.Value);
    }

    public static async Task<Results<Ok<PostResponse>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal caller, ReadPost read, CancellationToken cancellationToken)
    {
        var outcome = await read.HandleAsync(Viewer.From(caller), id, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }
}
