using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;

namespace Spotlight.Social.Follows;

/// <summary>
/// <c>POST /users/{id}/follow</c>: follows an active user, not oneself and not across a block. Following again changes
/// nothing; a new follow moves both profiles' counts and raises <see cref="UserFollowed"/> in the same transaction.
/// Answers true when the follow is new.
/// </summary>
internal sealed class FollowUser(SpotlightDb db, IUserDirectory users, IBlockList blocks, DomainEvents events, SocialMetrics metrics, TimeProvider time)
{
    public async Task<Outcome<bool>> HandleAsync(Guid me, Guid id, CancellationToken cancellationToken)
    {
        if (id == me)
        {
            return new Refusal(StatusCodes.Status400BadRequest, "cannot_follow_self", "You cannot follow yourself.");
        }

        if ((await users.FactsAsync([id], cancellationToken)).GetValueOrDefault(id) is not { IsBanned: false })
        {
            return Refusal.NotFound("No user has this id.");
        }

        if (await blocks.IsBlockedAsync(me, id, cancellationToken))
        {
            return Refusal.Forbidden("blocked", "You cannot follow this user.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO follows ("Id", "FollowerId", "FolloweeId", "CreatedAt")
            VALUES ({Guid.CreateVersion7()}, {me}, {id}, {time.GetUtcNow().UtcDateTime})
            ON CONFLICT ("FollowerId", "FolloweeId") DO NOTHING
            """, cancellationToken);
        if (inserted == 1)
        {
            await users.AdjustFollowCountsAsync(me, id, +1, cancellationToken);
            events.Raise(db, new UserFollowed(me, id));
            await db.SaveChangesAsync(cancellationToken);
            metrics.Follows.Add(1);
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted == 1;
    }
}

/// <summary><c>DELETE /users/{id}/follow</c>: stops following; unfollowing someone one does not follow changes nothing. True when a follow ended.</summary>
internal sealed class UnfollowUser(SpotlightDb db, IUserDirectory users)
{
    public async Task<Outcome<bool>> HandleAsync(Guid me, Guid id, CancellationToken cancellationToken) =>
        await FollowRows.RemoveAsync(db, users, me, id, cancellationToken);
}

/// <summary>Ends one follow and moves both counts, in the caller's transaction or one of its own.</summary>
internal static class FollowRows
{
    public static async Task<bool> RemoveAsync(SpotlightDb db, IUserDirectory users, Guid follower, Guid followee, CancellationToken cancellationToken)
    {
        var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var removed = await db.Set<Follow>().Where(f => f.FollowerId == follower && f.FolloweeId == followee).ExecuteDeleteAsync(cancellationToken);
            if (removed == 1)
            {
                await users.AdjustFollowCountsAsync(follower, followee, -1, cancellationToken);
            }

            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }

            return removed == 1;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }
}
