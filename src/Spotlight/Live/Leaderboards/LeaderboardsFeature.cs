using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform;
using Spotlight.Platform.Commands;
using Spotlight.Platform.Events;
using Spotlight.Platform.Http;
using Spotlight.Wallet;

namespace Spotlight.Live.Leaderboards;

/// <summary>Registers and maps leaderboards (API.md, Live); called by <see cref="LiveModule"/>.</summary>
internal static class LeaderboardsFeature
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(LeaderboardOptions.Section).Get<LeaderboardOptions>() ?? new LeaderboardOptions();
        if (options.KeepDays < 1)
        {
            throw new InvalidOperationException("Leaderboards:KeepDays must be at least 1.");
        }

        if (options.ExactRanks < 1 || options.RankSnapshotSeconds < 1)
        {
            throw new InvalidOperationException("Leaderboards:ExactRanks and Leaderboards:RankSnapshotSeconds must be at least 1.");
        }

        services.AddSingleton(options);
        services.AddEventHandler<GiftSent, GiftScoresLeaderboards>();
        services.AddEventHandler<TransactionReversed, ReversalUnscoresLeaderboards>();
        services.AddScoped<LeaderboardReader>();
        services.AddSingleton<LeaderboardRankSnapshots>();
        services.AddScoped<ReadLeaderboard>();
        services.AddScoped<ReadLiveLeaderboard>();
        services.AddScoped<RebuildLeaderboards>();
        services.AddSingleton<ICliCommand, RebuildLeaderboardsCommand>();
        services.AddJob<LeaderboardCleanupJob>(every: TimeSpan.FromHours(1));
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/live/{id:guid}/leaderboard", ReadLive).WithName("GetLiveLeaderboard")
            .WithSummary("A live's top gifters (coins), ties to whoever reached the score first, with the caller's own rank");
        api.MapGet("/leaderboards/{board}", Read).WithName("GetLeaderboard")
            .WithSummary("creators (coins received) or gifters (coins given) for period=day|week|all (UTC), at=yyyy-MM-dd for a past period, with the caller's rank");
    }

    private static async Task<Results<Ok<LeaderboardResponse>, ProblemHttpResult>> ReadLive(
        Guid id, int? limit, ClaimsPrincipal caller, ReadLiveLeaderboard handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(id, caller.UserIdOrNull(), limit, cancellationToken));

    private static async Task<Results<Ok<LeaderboardResponse>, ProblemHttpResult>> Read(
        string board, string? period, string? at, int? limit, ClaimsPrincipal caller, ReadLeaderboard handler, CancellationToken cancellationToken) =>
        Answer(await handler.HandleAsync(board, period, at, caller.UserIdOrNull(), limit, cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Platform.Errors.Outcome<T> outcome) =>
        outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value);
}
