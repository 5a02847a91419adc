using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Live.LiveKit;
using Spotlight.Platform.Events;
using Spotlight.Platform;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Live.Lives;

/// <summary>Registers and maps lives (API.md, Live); called by <see cref="LiveModule"/>.</summary>
internal static class LivesFeature
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var options = LiveOptions.Validate(configuration.GetSection(LiveOptions.Section).Get<LiveOptions>() ?? new LiveOptions());
        services.AddSingleton(options);
        services.AddScoped<LiveWatch>();
        services.AddJob<LiveWatchJob>(every: TimeSpan.FromSeconds(options.WatchIntervalSeconds));
        services.AddEventHandler<LiveKitParticipantJoined, JoinCountsViewer>();
        services.AddEventHandler<LiveKitParticipantLeft, LeaveCountsViewer>();
        services.AddScoped<LiveViewerCounts>();
        services.AddSingleton<Realtime.Live.ILiveViewers, HubLiveViewers>();
        services.AddEventHandler<LiveEnded, EndedLiveForgetsViewers>();
        services.AddScoped<StartLive>();
        services.AddScoped<ReadLive>();
        services.AddScoped<ListLives>();
        services.AddScoped<JoinLive>();
        services.AddScoped<LiveAccess>();
        services.AddScoped<EndLive>();
        services.AddScoped<LiveEnding>();
        services.AddEventHandler<LiveKitRoomFinished, RoomFinishedEndsLive>();
        // Moderating lives: kicks, and bans and blocks reaching the room (docs/live.md, Moderating lives).
        services.AddScoped<KickViewer>();
        services.AddScoped<LiveRemoval>();
        services.AddScoped<ListLivesOnAir>();
        services.AddScoped<ReadLiveViewers>();
        services.AddEventHandler<Identity.UserBanned, BanRemovesFromLives>();
        services.AddEventHandler<Identity.Account.UserDeleted, BanRemovesFromLives>();
        services.AddEventHandler<Social.UserBlocked, BlockRemovesFromLive>();
        services.AddEventHandler<LiveKitParticipantJoined, RemovedViewersStayOut>();
        // The hub's JoinLive asks the same rules as POST /live/{id}/join; watchers hear viewer counts and the end.
        services.AddSingleton<Realtime.Live.ILiveAccess, LiveWatchers>();
        services.AddSingleton<LiveViewersCoalescer>();
        services.AddEventHandler<LiveEnded, LiveEndedBroadcaster>();
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/live", Start).RequireAuthorization().WithName("StartLive")
            .WithSummary("Go live (creators, one live at a time): a LiveKit room and a token to publish in it");
        api.MapGet("/live", List).WithName("ListLives")
            .WithSummary("The lives on now, followed creators' first, newest first; signed out: public lives only");
        api.MapGet("/live/{id:guid}", Get).WithName("GetLive").WithSummary("One live, on or ended, with its creator and viewer count");
        api.MapPost("/live/{id:guid}/join", Join).RequireAuthorization().WithName("JoinLive")
            .WithSummary("A token to watch a live that is on (subscribe only); refused to banned users, blocks either way, and lives the caller may not see");
        api.MapPost("/live/{id:guid}/end", End).RequireAuthorization().WithName("EndLive")
            .WithSummary("End a live (its creator or a moderator): the LiveKit room is deleted");
        api.MapPost("/live/{id:guid}/viewers/{userId:guid}/kick", Kick).RequireAuthorization().WithName("KickLiveViewer")
            .WithSummary("Take a viewer out of a live and keep them out of it (its creator or a moderator): LiveKit disconnects them, they leave the hub room and hear liveKicked");
    }

    private static async Task<Results<Created<StartLiveResponse>, ProblemHttpResult>> Start(
        StartLiveRequest request, ClaimsPrincipal caller, StartLive handler, CancellationToken cancellationToken)
    {
        var outcome = await handler.HandleAsync(caller.UserId(), request, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/v1/live/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<Page<LiveResponse>>, ValidationProblem>> List(
        int? limit, string? cursor, ClaimsPrincipal caller, ListLives handler, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok(await handler.HandleAsync(caller.UserIdOrNull(), page, cancellationToken));
    }

    private static async Task<Results<Ok<LiveResponse>, ProblemHttpResult>> Get(Guid id, ReadLive handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(id, cancellationToken));

    private static async Task<Results<Ok<JoinLiveResponse>, ProblemHttpResult>> Join(Guid id, ClaimsPrincipal caller, JoinLive handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(caller.UserId(), id, cancellationToken));

    private static async Task<Results<Ok<LiveResponse>, ProblemHttpResult>> End(Guid id, ClaimsPrincipal caller, EndLive handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(caller.UserId(), id, cancellationToken));

    private static async Task<Results<Ok<KickViewerResponse>, ProblemHttpResult>> Kick(
        Guid id, Guid userId, ClaimsPrincipal caller, KickViewer handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(caller.UserId(), id, userId, cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Platform.Errors.Outcome<T> outcome) =>
        outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value);
}
