using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Paging;
using Spotlight.Social.Follows;

namespace Spotlight.Social.Blocks;

/// <summary>
/// <c>POST /users/{id}/block</c>: blocks a user (not oneself), ending follows both ways, with an audit entry; blocking
/// again changes nothing. True when the block is new.
/// </summary>
internal sealed class BlockUser(SpotlightDb db, IUserDirectory users, AuditLog audit, DomainEvents events, TimeProvider time)
{
    public async Task<Outcome<bool>> HandleAsync(Guid me, Guid id, CancellationToken cancellationToken)
    {
        if (id == me)
        {
            return new Refusal(StatusCodes.Status400BadRequest, "cannot_block_self", "You cannot block yourself.");
        }

        if (!(await users.FactsAsync([id], cancellationToken)).ContainsKey(id))
        {
            return Refusal.NotFound("No user has this id.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO blocks ("Id", "BlockerId", "BlockedId", "CreatedAt")
            VALUES ({Guid.CreateVersion7()}, {me}, {id}, {time.GetUtcNow().UtcDateTime})
            ON CONFLICT ("BlockerId", "BlockedId") DO NOTHING
            """, cancellationToken);
        if (inserted == 1)
        {
            await FollowRows.RemoveAsync(db, users, me, id, cancellationToken);
            await FollowRows.RemoveAsync(db, users, id, me, cancellationToken);
            audit.Add(db, "user.blocked", "user", id.ToString());
            events.Raise(db, new UserBlocked(me, id));
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted == 1;
    }
}

/// <summary><c>DELETE /users/{id}/block</c>: lifts the caller's block; lifting one that is not there changes nothing. True when one was lifted.</summary>
internal sealed class UnblockUser(SpotlightDb db)
{
    public async Task<Outcome<bool>> HandleAsync(Guid me, Guid id, CancellationToken cancellationToken) =>
        await db.Set<Block>().Where(b => b.BlockerId == me && b.BlockedId == id).ExecuteDeleteAsync(cancellationToken) > 0;
}

/// <summary><c>GET /me/blocks</c>: the users the caller has blocked, newest block first.</summary>
internal sealed class ListBlocks(SpotlightDb db, IUserDirectory users)
{
    public async Task<Outcome<Page<BlockedUser>>> HandleAsync(Guid me, PageRequest page, CancellationToken cancellationToken)
    {
        var query = db.Set<Block>().AsNoTracking().Where(b => b.BlockerId == me);
        if (page.After is { } after)
        {
            query = query.Where(b => b.Id.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(b => b.Id).Take(page.Limit + 1).Select(b => new { b.Id, b.BlockedId, b.CreatedAt }).ToListAsync(cancellationToken);
        var cards = await users.FactsAsync(rows.Select(r => r.BlockedId).ToList(), cancellationToken);
        var listed = rows.Where(r => cards.ContainsKey(r.BlockedId)).ToList();
        return page.ToPage(listed, r => r.Id, r => new BlockedUser(r.BlockedId, cards[r.BlockedId].Handle, cards[r.BlockedId].DisplayName, r.CreatedAt));
    }
}
