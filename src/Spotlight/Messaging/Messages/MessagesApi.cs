using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Messaging.Messages;

/// <summary><c>/api/v1/conversations/{id}/messages</c> and <c>/read</c>: history, posting, edits, deletions, read markers.</summary>
internal static class MessagesApi
{
    /// <summary>
    /// Newest first by default (<c>?cursor=</c> pages back in time). With <c>?after=N</c>: the messages after sequence N,
    /// oldest first: what a reconnecting client asks for; <c>nextCursor</c> continues in the same direction.
    /// </summary>
    public static async Task<Results<Ok<Page<MessageResponse>>, ProblemHttpResult>> History(
        Guid id, ClaimsPrincipal caller, MessageHistory history, int? limit, string? cursor, long? after, CancellationToken cancellationToken)
    {
        var checks = new FieldErrors();
        var size = limit ?? PageRequest.DefaultLimit;
        if (size is < 1 or > PageRequest.MaxLimit)
        {
            checks.Add("limit", $"Use a limit from 1 to {PageRequest.MaxLimit}.");
        }

        var position = after is { } from ? MessageHistory.After(from) : MessageHistory.Newest;
        if (after is < 0)
        {
            checks.Add("after", "A sequence is 0 or more.");
        }

        if (!string.IsNullOrEmpty(cursor))
        {
            if (MessageHistory.Position.Decode(cursor) is { } decoded && after is null)
            {
                position = decoded;
            }
            else
            {
                checks.Add("cursor", "This cursor is not one the server issued (and it does not go with 'after').");
            }
        }

        if (checks.Any)
        {
            return checks.ToRefusal().ToProblem();
        }

        var page = await history.ReadAsync(caller.UserId(), id, size, position, cancellationToken);
        return page.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(page.Value!);
    }

    /// <summary>201 with the stored message; a repeated <c>clientMessageId</c> answers 201 with the first one and <c>Idempotent-Replayed: true</c>.</summary>
    public static async Task<Results<Created<MessageResponse>, ProblemHttpResult>> Post(
        Guid id, PostMessageRequest request, ClaimsPrincipal caller, PostMessage post, HttpResponse response, CancellationToken cancellationToken)
    {
        var outcome = await post.HandleAsync(caller.UserId(), id, request.ClientMessageId, request.Text, request.AttachmentIds, cancellationToken);
        if (outcome.Refusal is { } refusal)
        {
            return refusal.ToProblem();
        }

        if (outcome.Value!.Replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
        }

        var message = outcome.Value.Message;
        return TypedResults.Created($"/api/v1/conversations/{id}/messages/{message.Id}", message);
    }

    public static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> Edit(
        Guid id, Guid messageId, EditMessageRequest request, ClaimsPrincipal caller, ChangeMessage change, CancellationToken cancellationToken)
    {
        var outcome = await change.EditAsync(caller.UserId(), id, messageId, request.Text, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid id, Guid messageId, ClaimsPrincipal caller, ChangeMessage change, CancellationToken cancellationToken)
    {
        var outcome = await change.DeleteAsync(caller.UserId(), id, messageId, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> MarkRead(
        Guid id, MarkReadRequest request, ClaimsPrincipal caller, ReadReceipts receipts, CancellationToken cancellationToken)
    {
        if (request.MessageId is not { } messageId)
        {
            return Refusal.Invalid("messageId", "Name the message read up to.").ToProblem();
        }

        var outcome = await receipts.MarkReadAsync(caller.UserId(), id, messageId, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
    }
}
