using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Social;
using Spotlight.Wallet.Subscriptions;

namespace Spotlight.Content.Posts;

/// <summary>
/// The one entitlement function (<see cref="IPostEntitlement"/>). The rules, in the order they are applied:
/// deleted → none for everyone; the author → whole (hidden or removed too: they see the moderator's note); staff → whole;
/// hidden or removed → none; an author who is banned → none; a block either way → none; then by visibility: public →
/// whole, followers → whole for a follower, subscribers → whole for an active subscriber of a listed plan (any of the
/// author's plans when none are listed), premium → whole for a buyer; anything else locked. A page costs at most one
/// query per concern (bans, blocks, follows, subscriptions, post plans, unlocks), each only when a post needs it.
/// </summary>
internal sealed class PostEntitlement(
    SpotlightDb db, IUserDirectory users, IBlockList blocks, IFollowGraph follows, ISubscriptionAccess subscriptions) : IPostEntitlement
{
    public async Task<IReadOnlyDictionary<Guid, PostAccess>> DecideAsync(Viewer viewer, IReadOnlyCollection<Post> posts, CancellationToken cancellationToken)
    {
        var access = new Dictionary<Guid, PostAccess>(posts.Count);
        var open = new List<Post>();
        foreach (var post in posts)
        {
            var decided = post.DeletedAt is not null ? PostAccess.None
                : post.AuthorId == viewer.UserId || viewer.IsStaff ? PostAccess.Whole
                : post.ModerationStatus is not null ? PostAccess.None
                : (PostAccess?)null;
            if (decided is { } known)
            {
                access[post.Id] = known;
            }
            else
            {
                open.Add(post);
            }
        }

        if (open.Count == 0)
        {
            return access;
        }

        var authors = open.Select(p => p.AuthorId).Distinct().ToList();
        var active = (await users.ActiveUserIds().Where(id => authors.Contains(id)).ToListAsync(cancellationToken)).ToHashSet();
        var blocked = viewer.UserId is { } me
            ? (await blocks.BlockedEitherWay(me).Where(id => authors.Contains(id)).Distinct().ToListAsync(cancellationToken)).ToHashSet()
            : [];
        open.RemoveAll(post =>
        {
            if (active.Contains(post.AuthorId) && !blocked.Contains(post.AuthorId))
            {
                return false;
            }

            access[post.Id] = PostAccess.None;
            return true;
        });

        foreach (var post in open.Where(p => p.Visibility == Visibility.Public))
        {
            access[post.Id] = PostAccess.Whole;
        }

        var gated = open.Where(p => p.Visibility != Visibility.Public).ToList();
        if (viewer.UserId is not { } viewerId)
        {
            foreach (var post in gated)
            {
                access[post.Id] = PostAccess.Locked;
            }

            return access;
        }

        var entitled = await EntitledAsync(viewerId, gated, cancellationToken);
        foreach (var post in gated)
        {
            access[post.Id] = entitled.Contains(post.Id) ? PostAccess.Whole : PostAccess.Locked;
        }

        return access;
    }

    /// <summary>The gated posts among <paramref name="gated"/> that <paramref name="viewerId"/> may see whole.</summary>
    private async Task<HashSet<Guid>> EntitledAsync(Guid viewerId, List<Post> gated, CancellationToken cancellationToken)
    {
        var entitled = new HashSet<Guid>();
        var forFollowers = gated.Where(p => p.Visibility == Visibility.Followers).ToList();
        if (forFollowers.Count > 0)
        {
            var authors = forFollowers.Select(p => p.AuthorId).Distinct().ToList();
            var followed = (await follows.FollowingIds(viewerId).Where(id => authors.Contains(id)).ToListAsync(cancellationToken)).ToHashSet();
            entitled.UnionWith(forFollowers.Where(p => followed.Contains(p.AuthorId)).Select(p => p.Id));
        }

        var forSubscribers = gated.Where(p => p.Visibility == Visibility.Subscribers).ToList();
        if (forSubscribers.Count > 0)
        {
            var held = await subscriptions.ActivePlansAsync(viewerId, forSubscribers.Select(p => p.AuthorId).Distinct().ToList(), cancellationToken);
            var candidates = forSubscribers.Where(p => held.ContainsKey(p.AuthorId)).ToList();
            if (candidates.Count > 0)
            {
                var ids = candidates.Select(p => p.Id).ToList();
                var plans = (await db.Set<PostPlan>().AsNoTracking().Where(pp => ids.Contains(pp.PostId)).ToListAsync(cancellationToken))
                    .ToLookup(pp => pp.PostId, pp => pp.PlanId);
                entitled.UnionWith(candidates
                    .Where(p => !plans[p.Id].Any() || plans[p.Id].Any(held[p.AuthorId].Contains))
                    .Select(p => p.Id));
            }
        }

        var forBuyers = gated.Where(p => p.Visibility == Visibility.Premium).Select(p => p.Id).ToList();
        if (forBuyers.Count > 0)
        {
            entitled.UnionWith(await db.Set<PostUnlock>().AsNoTracking()
                .Where(u => u.BuyerId == viewerId && forBuyers.Contains(u.PostId)).Select(u => u.PostId).ToListAsync(cancellationToken));
        }

        return entitled;
    }
}
