using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Account;
using Spotlight.Identity.Users;

namespace Spotlight.Social;

/// <summary>Social's share of a user's data: who they follow and who follows them, whom they block. All of it goes on deletion (and the others' counts follow).</summary>
internal sealed class SocialPersonalData(SpotlightDb db, IUserDirectory users) : IPersonalData
{
    public IReadOnlyCollection<string> Kinds { get; } = ["follows", "blocks"];

    public IReadOnlyCollection<PersonalDataColumn> Covers { get; } =
    [
        new(typeof(Follow), nameof(Follow.FollowerId)),
        new(typeof(Follow), nameof(Follow.FolloweeId)),
        new(typeof(Block), nameof(Block.BlockerId)),
        new(typeof(Block), nameof(Block.BlockedId)),
    ];

    public async Task ExportAsync(Guid userId, IExportWriter writer, CancellationToken cancellationToken)
    {
        var following = await db.Set<Follow>().AsNoTracking().Where(f => f.FollowerId == userId).OrderBy(f => f.Id)
            .Select(f => new { userId = f.FolloweeId, f.CreatedAt }).ToListAsync(cancellationToken);
        var followers = await db.Set<Follow>().AsNoTracking().Where(f => f.FolloweeId == userId).OrderBy(f => f.Id)
            .Select(f => new { userId = f.FollowerId, f.CreatedAt }).ToListAsync(cancellationToken);
        await writer.WriteAsync("follows", new { following, followers }, cancellationToken);
        await writer.WriteAsync("blocks", await db.Set<Block>().AsNoTracking().Where(b => b.BlockerId == userId).OrderBy(b => b.Id)
            .Select(b => new { userId = b.BlockedId, b.CreatedAt }).ToListAsync(cancellationToken), cancellationToken);
    }

    public async Task EraseAsync(Guid userId, PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        var follows = await db.Set<Follow>().AsNoTracking().Where(f => f.FollowerId == userId || f.FolloweeId == userId)
            .Select(f => new { f.FollowerId, f.FolloweeId }).ToListAsync(cancellationToken);
        foreach (var follow in follows)
        {
            await users.AdjustFollowCountsAsync(follow.FollowerId, follow.FolloweeId, -1, cancellationToken);
        }

        await db.Set<Follow>().Where(f => f.FollowerId == userId || f.FolloweeId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<Block>().Where(b => b.BlockerId == userId || b.BlockedId == userId).ExecuteDeleteAsync(cancellationToken);
    }
}
