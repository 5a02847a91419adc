using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Content.Posts;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Content.Discovery.ForYou;

internal static class ForYouApi
{
    public static async Task<Results<Ok<Page<PostResponse>>, ProblemHttpResult>> ForYou(
        int? limit, string? cursor, ClaimsPrincipal caller, ForYouFeed feed, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var size = limit ?? PageRequest.DefaultLimit;
        if (size is < 1 or > PageRequest.MaxLimit)
        {
            errors.Add("limit", $"Use a limit from 1 to {PageRequest.MaxLimit}.");
        }

        var after = RankCursor.Parse(cursor);
        if (after.Refusal is not null)
        {
            errors.Add("cursor", after.Refusal.Detail);
        }

        if (errors.Any)
        {
            return errors.ToRefusal().ToProblem();
        }

        return TypedResults.Ok(await feed.HandleAsync(Viewer.From(caller), caller.UserId(), size, after.Value, cancellationToken));
    }
}
