using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;

namespace Spotlight.Social;

/// <summary>What anyone may see of an account.</summary>
public sealed record PublicProfile(Guid Id, string Handle, string? DisplayName, string? Bio, string? AvatarUrl, int FollowerCount, int FollowingCount, bool IsCreator)
{
    public static PublicProfile From(User u) =>
        new(u.Id, u.Handle, u.DisplayName, u.Bio, u.AvatarUrl, u.FollowerCount, u.FollowingCount, u.IsInRole(Role.Creator));
}

public sealed record BlockedUser(Guid Id, string Handle, string? DisplayName, DateTime BlockedAt);

public static class SocialModule
{
    public static WebApplicationBuilder AddSocial(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<IBlockList, BlockList>();
        builder.Services.AddScoped<IFollowGraph, FollowGraph>();
        builder.Services.AddSingleton<SocialMetrics>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSocial(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Social");
        users.MapGet("/{handle}", SocialApi.Profile).WithName("GetProfile").WithSummary("A public profile by handle");
        users.MapPost("/{id:guid}/follow", SocialApi.FollowUser).RequireAuthorization().WithName("Follow").WithSummary("Follow a user (no change if already following)");
        users.MapDelete("/{id:guid}/follow", SocialApi.Unfollow).RequireAuthorization().WithName("Unfollow").WithSummary("Stop following a user");
        users.MapGet("/{id:guid}/followers", SocialApi.Followers).WithName("Followers").WithSummary("Who follows a user, newest first");
        users.MapGet("/{id:guid}/following", SocialApi.Following).WithName("Following").WithSummary("Whom a user follows, newest first");
        users.MapPost("/{id:guid}/block", SocialApi.BlockUser).RequireAuthorization().WithName("Block").WithSummary("Block a user: ends follows both ways, stops follows, messages and gifts");
        users.MapDelete("/{id:guid}/block", SocialApi.Unblock).RequireAuthorization().WithName("Unblock").WithSummary("Lift a block");
        app.MapGet("/api/v1/me/blocks", SocialApi.MyBlocks).RequireAuthorization().WithTags("Social").WithName("MyBlocks").WithSummary("Users the caller has blocked");
        return app;
    }
}

internal static class SocialApi
{
    public static async Task<Results<Ok<PublicProfile>, ProblemHttpResult>> Profile(string handle, SpotlightDb db)
    {
        var normalized = handle.Trim().TrimStart('@').ToUpperInvariant();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedUserName == normalized && u.BannedAt == null);
        return user is null ? ApiProblem.NotFound("No user has this handle.") : TypedResults.Ok(PublicProfile.From(user));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> FollowUser(
        Guid id, ClaimsPrincipal caller, SpotlightDb db, IBlockList blocks, DomainEvents events, SocialMetrics metrics, TimeProvider time)
    {
        var me = caller.UserId();
        if (id == me)
        {
            return ApiProblem.Create(400, "cannot_follow_self", "You cannot follow yourself.");
        }

        if (!await db.Users.AnyAsync(u => u.Id == id && u.BannedAt == null))
        {
            return ApiProblem.NotFound("No user has this id.");
        }

        if (await blocks.IsBlockedAsync(me, id))
        {
            return ApiProblem.Forbidden("blocked", "You cannot follow this user.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO follows ("Id", "FollowerId", "FolloweeId", "CreatedAt")
            VALUES ({Guid.CreateVersion7()}, {me}, {id}, {time.GetUtcNow().UtcDateTime})
            ON CONFLICT ("FollowerId", "FolloweeId") DO NOTHING
            """);
        if (inserted == 1)
        {
            await AdjustCountsAsync(db, me, id, +1);
            events.Raise(db, new UserFollowed(me, id));
            await db.SaveChangesAsync();
            metrics.Follows.Add(1);
        }

        await transaction.CommitAsync();
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> Unfollow(Guid id, ClaimsPrincipal caller, SpotlightDb db)
    {
        await RemoveFollowAsync(db, caller.UserId(), id);
        return TypedResults.NoContent();
    }

    public static Task<Results<Ok<Page<PublicProfile>>, ValidationProblem, ProblemHttpResult>> Followers(Guid id, SpotlightDb db, int? limit, string? cursor) =>
        ListAsync(db, id, limit, cursor, followers: true);

    public static Task<Results<Ok<Page<PublicProfile>>, ValidationProblem, ProblemHttpResult>> Following(Guid id, SpotlightDb db, int? limit, string? cursor) =>
        ListAsync(db, id, limit, cursor, followers: false);

    public static async Task<Results<NoContent, ProblemHttpResult>> BlockUser(Guid id, ClaimsPrincipal caller, SpotlightDb db, AuditLog audit, TimeProvider time)
    {
        var me = caller.UserId();
        if (id == me)
        {
            return ApiProblem.Create(400, "cannot_block_self", "You cannot block yourself.");
        }

        if (!await db.Users.AnyAsync(u => u.Id == id))
        {
            return ApiProblem.NotFound("No user has this id.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO blocks ("Id", "BlockerId", "BlockedId", "CreatedAt")
            VALUES ({Guid.CreateVersion7()}, {me}, {id}, {time.GetUtcNow().UtcDateTime})
            ON CONFLICT ("BlockerId", "BlockedId") DO NOTHING
            """);
        if (inserted == 1)
        {
            await RemoveFollowAsync(db, me, id);
            await RemoveFollowAsync(db, id, me);
            audit.Add(db, "user.blocked", "user", id.ToString());
            await db.SaveChangesAsync();
        }

        await transaction.CommitAsync();
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> Unblock(Guid id, ClaimsPrincipal caller, SpotlightDb db)
    {
        var me = caller.UserId();
        await db.Set<Block>().Where(b => b.BlockerId == me && b.BlockedId == id).ExecuteDeleteAsync();
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<Page<BlockedUser>>, ValidationProblem>> MyBlocks(ClaimsPrincipal caller, SpotlightDb db, int? limit, string? cursor)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var me = caller.UserId();
        var query = db.Set<Block>().AsNoTracking().Where(b => b.BlockerId == me);
        if (page.After is { } after)
        {
            query = query.Where(b => b.Id.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(b => b.Id).Take(page.Limit + 1)
            .Join(db.Users, b => b.BlockedId, u => u.Id, (b, u) => new { b.Id, User = u.Id, u.UserName, u.DisplayName, b.CreatedAt })
            .ToListAsync();
        return TypedResults.Ok(page.ToPage(rows.OrderByDescending(r => r.Id).ToList(), r => r.Id, r => new BlockedUser(r.User, r.UserName ?? "", r.DisplayName, r.CreatedAt)));
    }

    private static async Task RemoveFollowAsync(SpotlightDb db, Guid follower, Guid followee)
    {
        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync() : null;
        var removed = await db.Set<Follow>().Where(f => f.FollowerId == follower && f.FolloweeId == followee).ExecuteDeleteAsync();
        if (removed == 1)
        {
            await AdjustCountsAsync(db, follower, followee, -1);
        }

        if (ownTransaction is not null)
        {
            await ownTransaction.CommitAsync();
            await ownTransaction.DisposeAsync();
        }
    }

    private static async Task AdjustCountsAsync(SpotlightDb db, Guid follower, Guid followee, int delta)
    {
        await db.Users.Where(u => u.Id == follower).ExecuteUpdateAsync(s => s.SetProperty(u => u.FollowingCount, u => u.FollowingCount + delta));
        await db.Users.Where(u => u.Id == followee).ExecuteUpdateAsync(s => s.SetProperty(u => u.FollowerCount, u => u.FollowerCount + delta));
    }

    private static async Task<Results<Ok<Page<PublicProfile>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        SpotlightDb db, Guid id, int? limit, string? cursor, bool followers)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        if (!await db.Users.AnyAsync(u => u.Id == id && u.BannedAt == null))
        {
            return ApiProblem.NotFound("No user has this id.");
        }

        var follows = db.Set<Follow>().AsNoTracking().Where(f => followers ? f.FolloweeId == id : f.FollowerId == id);
        if (page.After is { } after)
        {
            follows = follows.Where(f => f.Id.CompareTo(after) < 0);
        }

        var rows = await follows.OrderByDescending(f => f.Id).Take(page.Limit + 1)
            .Join(db.Users, f => followers ? f.FollowerId : f.FolloweeId, u => u.Id, (f, u) => new { f.Id, User = u })
            .ToListAsync();
        return TypedResults.Ok(page.ToPage(rows.OrderByDescending(r => r.Id).ToList(), r => r.Id, r => PublicProfile.From(r.User)));
    }
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
