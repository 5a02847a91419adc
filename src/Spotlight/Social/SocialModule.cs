using Spotlight.Identity.Account;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;
using Spotlight.Realtime.Presence;
using Spotlight.Social.Blocks;
using Spotlight.Social.Follows;

namespace Spotlight.Social;

/// <summary>Profiles, follows and blocks (API.md, Social); <see cref="IBlockList"/> and <see cref="IFollowGraph"/> for every other module.</summary>
public static class SocialModule
{
    public static WebApplicationBuilder AddSocial(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<IBlockList, BlockList>();
        services.AddScoped<IFollowGraph, FollowGraph>();
        services.AddPersonalData<SocialPersonalData>();
        services.AddSingleton<SocialMetrics>();
        services.AddScoped<GetProfile>();
        services.AddScoped<FollowUser>();
        services.AddScoped<UnfollowUser>();
        services.AddScoped<ListFollows>();
        services.AddScoped<BlockUser>();
        services.AddScoped<UnblockUser>();
        services.AddScoped<ListBlocks>();
        services.AddPresenceAudience<FollowersSeePresence>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSocial(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Social");
        users.MapGet("/{handle}", SocialEndpoints.Profile).WithName("GetProfile").WithSummary("A public profile by handle");
        users.MapPost("/{id:guid}/follow", SocialEndpoints.Follow).RequireAuthorization().WithName("Follow").WithSummary("Follow a user (no change if already following)");
        users.MapDelete("/{id:guid}/follow", SocialEndpoints.Unfollow).RequireAuthorization().WithName("Unfollow").WithSummary("Stop following a user");
        users.MapGet("/{id:guid}/followers", SocialEndpoints.Followers).WithName("Followers").WithSummary("Who follows a user, newest first");
        users.MapGet("/{id:guid}/following", SocialEndpoints.Following).WithName("Following").WithSummary("Whom a user follows, newest first");
        users.MapPost("/{id:guid}/block", SocialEndpoints.Block).RequireAuthorization().WithName("Block").WithSummary("Block a user: ends follows both ways, stops follows, messages and gifts");
        users.MapDelete("/{id:guid}/block", SocialEndpoints.Unblock).RequireAuthorization().WithName("Unblock").WithSummary("Lift a block");
        // A handle where an id belongs would otherwise be a bare routing 404: say what the route takes and where the id is.
        const string ByHandle = "/{handle}/{action:regex(^(follow|followers|following|block)$)}";
        const string IdNeeded = "Always 404: follow, block and the follow lists take the user's id; the answer says to read it from GET /users/{handle}";
        users.MapGet(ByHandle, SocialEndpoints.IdNeeded).WithName("UserIdNeededGet").WithSummary(IdNeeded);
        users.MapPost(ByHandle, SocialEndpoints.IdNeeded).WithName("UserIdNeededPost").WithSummary(IdNeeded);
        users.MapDelete(ByHandle, SocialEndpoints.IdNeeded).WithName("UserIdNeededDelete").WithSummary(IdNeeded);
        app.MapGet("/api/v1/me/blocks", SocialEndpoints.MyBlocks).RequireAuthorization().WithTags("Social").WithName("MyBlocks").WithSummary("Users the caller has blocked");
        return app;
    }
}

/// <summary>The HTTP side of Social: thin adapters over its handlers.</summary>
internal static class SocialEndpoints
{
    public static async Task<Results<Ok<PublicProfile>, ProblemHttpResult>> Profile(string handle, GetProfile handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(handle, cancellationToken));

    public static ProblemHttpResult IdNeeded(string handle, string action) => ApiProblem.Create(StatusCodes.Status404NotFound, "not_found",
        $"/api/v1/users/{{id}}/{action} takes the user's id (a UUID), not a handle. GET /api/v1/users/{handle} gives the id of '{handle}'.");

    public static async Task<Results<NoContent, ProblemHttpResult>> Follow(Guid id, ClaimsPrincipal caller, FollowUser handler, CancellationToken cancellationToken) =>
        Done(await handler.HandleAsync(caller.UserId(), id, cancellationToken));

    public static async Task<NoContent> Unfollow(Guid id, ClaimsPrincipal caller, UnfollowUser handler, CancellationToken cancellationToken)
    {
        await handler.HandleAsync(caller.UserId(), id, cancellationToken);
        return TypedResults.NoContent();
    }

    public static Task<Results<Ok<Page<PublicProfile>>, ValidationProblem, ProblemHttpResult>> Followers(
        Guid id, ListFollows handler, int? limit, string? cursor, CancellationToken cancellationToken) => FollowsAsync(id, handler, limit, cursor, followers: true, cancellationToken);

    public static Task<Results<Ok<Page<PublicProfile>>, ValidationProblem, ProblemHttpResult>> Following(
        Guid id, ListFollows handler, int? limit, string? cursor, CancellationToken cancellationToken) => FollowsAsync(id, handler, limit, cursor, followers: false, cancellationToken);

    public static async Task<Results<NoContent, ProblemHttpResult>> Block(Guid id, ClaimsPrincipal caller, BlockUser handler, CancellationToken cancellationToken) =>
        Done(await handler.HandleAsync(caller.UserId(), id, cancellationToken));

    public static async Task<NoContent> Unblock(Guid id, ClaimsPrincipal caller, UnblockUser handler, CancellationToken cancellationToken)
    {
        await handler.HandleAsync(caller.UserId(), id, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<Page<BlockedUser>>, ValidationProblem>> MyBlocks(
        ClaimsPrincipal caller, ListBlocks handler, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok((await handler.HandleAsync(caller.UserId(), page, cancellationToken)).Value!);
    }

    private static async Task<Results<Ok<Page<PublicProfile>>, ValidationProblem, ProblemHttpResult>> FollowsAsync(
        Guid id, ListFollows handler, int? limit, string? cursor, bool followers, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var outcome = await handler.HandleAsync(id, followers, page, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Outcome<T> outcome) =>
        outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);

    private static Results<NoContent, ProblemHttpResult> Done(Outcome<bool> outcome) =>
        outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
}

/// <summary>Followers see a user's presence, and nobody with a block between them does (Realtime asks).</summary>
internal sealed class FollowersSeePresence(IFollowGraph follows, IBlockList blocks) : IPresenceAudience
{
    public IQueryable<Guid>? Watchers(Guid userId) => follows.FollowerIds(userId);

    public IQueryable<Guid>? Hidden(Guid userId) => blocks.BlockedEitherWay(userId);
}

internal sealed class SocialMetrics
{
    public SocialMetrics(System.Diagnostics.Metrics.IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(new System.Diagnostics.Metrics.MeterOptions("Spotlight.Social"));
        Follows = meter.CreateCounter<long>("spotlight_follows_total", description: "New follows.");
    }

    public System.Diagnostics.Metrics.Counter<long> Follows { get; }
}
