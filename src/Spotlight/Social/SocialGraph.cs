using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Identity;

namespace Spotlight.Social;

/// <summary>One user following another. Unique per pair; the counts on <see cref="User"/> move only when a row really comes or goes.</summary>
public sealed class Follow
{
    public Guid Id { get; set; }

    public Guid FollowerId { get; set; }

    public Guid FolloweeId { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>One user blocking another: no follows, messages or gifts between the two, in either direction.</summary>
public sealed class Block
{
    public Guid Id { get; set; }

    public Guid BlockerId { get; set; }

    public Guid BlockedId { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class SocialConfiguration : IEntityTypeConfiguration<Follow>, IEntityTypeConfiguration<Block>
{
    public void Configure(EntityTypeBuilder<Follow> builder)
    {
        builder.ToTable("follows");
        builder.HasIndex(f => new { f.FollowerId, f.FolloweeId }).IsUnique();
        builder.HasIndex(f => new { f.FolloweeId, f.Id });
        builder.HasIndex(f => new { f.FollowerId, f.Id });
        builder.HasOne<User>().WithMany().HasForeignKey(f => f.FollowerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(f => f.FolloweeId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<Block> builder)
    {
        builder.ToTable("blocks");
        builder.HasIndex(b => new { b.BlockerId, b.BlockedId }).IsUnique();
        builder.HasIndex(b => b.BlockedId);
        builder.HasOne<User>().WithMany().HasForeignKey(b => b.BlockerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(b => b.BlockedId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The one check every feature makes before two users interact (follow, message, gift, transfer).</summary>
public interface IBlockList
{
    /// <summary>True when either user has blocked the other.</summary>
    Task<bool> IsBlockedAsync(Guid a, Guid b, CancellationToken cancellationToken = default);

    /// <summary>Everyone with a block between them and <paramref name="userId"/>, either way: a query to compose, not a list.</summary>
    IQueryable<Guid> BlockedEitherWay(Guid userId);
}

internal sealed class BlockList(Data.SpotlightDb db) : IBlockList
{
    public Task<bool> IsBlockedAsync(Guid a, Guid b, CancellationToken cancellationToken = default) =>
        db.Set<Block>().AnyAsync(x => (x.BlockerId == a && x.BlockedId == b) || (x.BlockerId == b && x.BlockedId == a), cancellationToken);

    public IQueryable<Guid> BlockedEitherWay(Guid userId) =>
        db.Set<Block>().Where(b => b.BlockerId == userId).Select(b => b.BlockedId)
            .Concat(db.Set<Block>().Where(b => b.BlockedId == userId).Select(b => b.BlockerId));
}

/// <summary>Who follows whom, for modules that reach a user's followers (presence) without touching Social's tables.</summary>
public interface IFollowGraph
{
    /// <summary>The ids of <paramref name="userId"/>'s followers: a query to compose, not a list (a creator may have millions).</summary>
    IQueryable<Guid> FollowerIds(Guid userId);

    /// <summary>The ids of the accounts <paramref name="userId"/> follows: a query to compose (a following feed, a page of posts' access).</summary>
    IQueryable<Guid> FollowingIds(Guid userId);
}

internal sealed class FollowGraph(Data.SpotlightDb db) : IFollowGraph
{
    public IQueryable<Guid> FollowerIds(Guid userId) => db.Set<Follow>().Where(f => f.FolloweeId == userId).Select(f => f.FollowerId);

    public IQueryable<Guid> FollowingIds(Guid userId) => db.Set<Follow>().Where(f => f.FollowerId == userId).Select(f => f.FolloweeId);
}
