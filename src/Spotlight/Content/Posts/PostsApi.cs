using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;
using Spotlight.Platform.Http;

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

    public static async Task<Results<Ok<PostResponse>, ProblemHttpResult>> Edit(
        Guid id, EditPostRequest request, ClaimsPrincipal caller, ChangePost change, CancellationToken cancellationToken)
    {
        var outcome = await change.EditAsync(Viewer.From(caller), id, request, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, ClaimsPrincipal caller, ChangePost change, CancellationToken cancellationToken) =>
        await change.DeleteAsync(Viewer.From(caller), id, cancellationToken) is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();

    public static async Task<Results<Ok<Page<PostResponse>>, ValidationProblem>> OfUser(
        Guid id, ClaimsPrincipal caller, PostLists lists, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok(await lists.OfAuthorAsync(Viewer.From(caller), id, page, cancellationToken));
    }

    public static async Task<Results<Ok<Page<PostResponse>>, ValidationProblem>> Feed(
        ClaimsPrincipal caller, PostLists lists, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok(await lists.FeedAsync(caller.UserId(), page, cancellationToken));
    }

    public static async Task<Results<Ok<Page<PostResponse>>, ValidationProblem>> OfHashtag(
        string tag, ClaimsPrincipal caller, PostLists lists, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        if (PostText.NormalizeTag(tag) is not { } normalized)
        {
            return new FieldErrors().Add("tag", "A hashtag is letters, digits and underscores, at most 100.").ToProblem();
        }

        return TypedResults.Ok(await lists.OfHashtagAsync(Viewer.From(caller), normalized, page, cancellationToken));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Like(Guid id, ClaimsPrincipal caller, Likes likes, CancellationToken cancellationToken) =>
        await likes.LikeAsync(Viewer.From(caller), id, cancellationToken) is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();

    public static async Task<Results<NoContent, ProblemHttpResult>> Unlike(Guid id, ClaimsPrincipal caller, Likes likes, CancellationToken cancellationToken) =>
        await likes.UnlikeAsync(Viewer.From(caller), id, cancellationToken) is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();

    public static async Task<Results<Ok<Page<CommentResponse>>, ValidationProblem, ProblemHttpResult>> ListComments(
        Guid id, ClaimsPrincipal caller, Comments comments, Guid? parentId, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var outcome = await comments.ListAsync(Viewer.From(caller), id, parentId, page, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Created<CommentResponse>, ProblemHttpResult>> AddComment(
        Guid id, AddCommentRequest request, ClaimsPrincipal caller, Comments comments, CancellationToken cancellationToken)
    {
        var outcome = await comments.AddAsync(Viewer.From(caller), id, request, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/v1/posts/{id}/comments/{outcome.Value!.Id}", outcome.Value);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteComment(Guid id, ClaimsPrincipal caller, Comments comments, CancellationToken cancellationToken) =>
        await comments.DeleteAsync(Viewer.From(caller), id, cancellationToken) is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
}
