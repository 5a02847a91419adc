using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;

namespace Spotlight.Wallet.Topups;

/// <summary>The reads of top-ups: the packages on sale (configuration) and one of the user's own top-ups.</summary>
internal sealed class TopupReads(SpotlightDb db, WalletOptions options)
{
    public IReadOnlyList<TopupPackage> Packages() => options.TopupPackages
        .Select(p => new TopupPackage(p.Key, p.Value.Coins, p.Value.Price, p.Value.Currency))
        .OrderBy(p => p.Coins).ThenBy(p => p.Id, StringComparer.Ordinal).ToList();

    public async Task<Outcome<TopupResponse>> GetAsync(Guid userId, Guid id)
    {
        var topup = await db.Set<Topup>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == id && t.UserId == userId);
        return topup is null ? Refusal.NotFound("You have no top-up with this id.") : TopupResponse.From(topup);
    }
}
