using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Paging;

namespace Spotlight.Identity.Passkeys;

/// <summary><c>GET /auth/passkeys</c> (and the console's passkeys page): the caller's passkeys, oldest first.</summary>
public sealed class ListPasskeys(SpotlightDb db)
{
    public async Task<Page<PasskeyResponse>> HandleAsync(Guid userId, CancellationToken cancellationToken)
    {
        // At most Passkeys:MaxPerUser (20) per account: always one page, in the list shape of every list.
        var passkeys = await db.Set<PasskeyCredential>().AsNoTracking().Where(p => p.UserId == userId).OrderBy(p => p.Id).ToListAsync(cancellationToken);
        return new Page<PasskeyResponse>([.. passkeys.Select(PasskeyResponse.From)], null);
    }
}
