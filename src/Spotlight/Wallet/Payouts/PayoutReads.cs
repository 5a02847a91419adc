using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Wallet.Payouts;

/// <summary>The reads of payouts: a creator's own (all, or one), and every payout by status for admins.</summary>
internal sealed class PayoutReads(SpotlightDb db)
{
    public Task<Page<PayoutResponse>> OfCreatorAsync(Guid creatorId, PageRequest page) => PageAsync(db.Set<Payout>().Where(p => p.CreatorId == creatorId), page);

    public async Task<Outcome<PayoutResponse>> GetAsync(Guid creatorId, Guid id)
    {
        var payout = await db.Set<Payout>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == id && p.CreatorId == creatorId);
        return payout is null ? Refusal.NotFound("You have no payout with this id.") : PayoutResponse.From(payout);
    }

    public Task<Page<PayoutResponse>> ListAsync(string? status, PageRequest page)
    {
        var query = db.Set<Payout>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(status))
        {
            query = query.Where(p => p.Status == status);
        }

        return PageAsync(query, page);
    }

    private static async Task<Page<PayoutResponse>> PageAsync(IQueryable<Payout> query, PageRequest page)
    {
        if (page.After is { } after)
        {
            query = query.Where(p => p.Id.CompareTo(after) < 0);
        }

        var rows = await query.AsNoTracking().OrderByDescending(p => p.Id).Take(page.Limit + 1).ToListAsync();
        return page.ToPage(rows, p => p.Id, PayoutResponse.From);
    }
}
