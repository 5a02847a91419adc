using Microsoft.EntityFrameworkCore;
using Spotlight.Identity.Users;
using Spotlight.Social;

namespace Spotlight.Wallet;

/// <summary>What the wallet asks about the other side of a movement, from Identity's <see cref="IUserDirectory"/> and Social's <see cref="IBlockList"/>.</summary>
internal sealed class Counterparties(IUserDirectory users, IBlockList blocks)
{
    /// <summary>Whether a recipient may be paid: null when no active (not banned) user has the id; each query is one round trip.</summary>
    public sealed record Standing(bool IsCreator, bool Blocked);

    /// <summary>An active user, whether they are a creator and whether a block stands between them and <paramref name="payer"/>, in one round trip.</summary>
    public Task<Standing?> StandingAsync(Guid payer, Guid recipient, CancellationToken cancellationToken)
    {
        var blockedEitherWay = blocks.BlockedEitherWay(payer);
        var creators = users.CreatorIds();
        return users.ActiveUserIds().Where(id => id == recipient)
            .Select(id => new Standing(creators.Contains(id), blockedEitherWay.Contains(id))).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>An active (not banned) creator has this id.</summary>
    public Task<bool> IsActiveCreatorAsync(Guid id, CancellationToken cancellationToken)
    {
        var creators = users.CreatorIds();
        return users.ActiveUserIds().AnyAsync(u => u == id && creators.Contains(u), cancellationToken);
    }

    public Task<bool> IsBlockedAsync(Guid a, Guid b) => blocks.IsBlockedAsync(a, b);

    /// <summary>A user (banned or not) has this id.</summary>
    public async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken) => (await users.FactsAsync([id], cancellationToken)).ContainsKey(id);
}
