using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Messaging.Conversations;

/// <summary>
/// <c>/api/v1/conversations</c>, thin adapters over the conversation handlers: a direct conversation is one per pair
/// (asking again returns it, 200); a group has a title, an owner who adds and removes members, and at most
/// <see cref="MessagingOptions.MaxGroupMembers"/> members. Whoever is not a member gets 404 for everything under a
/// conversation's id.
/// </summary>
internal static class ConversationsApi
{
    public static async Task<Results<Created<ConversationResponse>, Ok<ConversationResponse>, ProblemHttpResult>> Create(
        CreateConversationRequest request, ClaimsPrincipal caller, CreateConversation handler, CancellationToken cancellationToken)
    {
        var outcome = await handler.HandleAsync(caller.UserId(), request, cancellationToken);
        if (outcome.Refusal is { } refusal)
        {
            return refusal.ToProblem();
        }

        var created = outcome.Value!;
        return created.IsNew
            ? TypedResults.Created($"/api/v1/conversations/{created.Conversation.Id}", created.Conversation)
            : TypedResults.Ok(created.Conversation);
    }

    public static async Task<Results<Ok<Page<ConversationSummary>>, ValidationProblem>> List(
        ClaimsPrincipal caller, ListConversations handler, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok((await handler.HandleAsync(caller.UserId(), page, cancellationToken)).Value!);
    }

    public static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal caller, GetConversation handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(caller.UserId(), id, cancellationToken));

    public static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> Rename(
        Guid id, RenameConversationRequest request, ClaimsPrincipal caller, RenameConversation handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(caller.UserId(), id, request, cancellationToken));

    public static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> AddMembers(
        Guid id, AddMembersRequest request, ClaimsPrincipal caller, AddMembers handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(caller.UserId(), id, request, cancellationToken));

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        Guid id, Guid userId, ClaimsPrincipal caller, RemoveMember handler, CancellationToken cancellationToken) =>
        (await handler.HandleAsync(caller.UserId(), id, userId, cancellationToken)).Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Outcome<T> outcome) =>
        outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
}
