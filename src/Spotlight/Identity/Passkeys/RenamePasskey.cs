using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Passkeys;

public sealed record PasskeyRenameRequest(string? Name);

/// <summary><c>PATCH /auth/passkeys/{id}</c> (and the console): renames one of the caller's passkeys.</summary>
public sealed class RenamePasskey(SpotlightDb db, AuditLog audit)
{
    internal static readonly Refusal NotYours = Refusal.NotFound("No passkey of yours has this id.");

    public async Task<Outcome<PasskeyResponse>> HandleAsync(Guid userId, Guid id, PasskeyRenameRequest request, CancellationToken cancellationToken)
    {
        var name = PasskeyCeremonies.CheckName(request.Name);
        if (name.Refusal is { } refusal)
        {
            return refusal;
        }

        // The owner is part of the query: another account's passkey answers exactly like one that does not exist.
        var passkey = await db.Set<PasskeyCredential>().SingleOrDefaultAsync(p => p.Id == id && p.UserId == userId, cancellationToken);
        if (passkey is null)
        {
            return NotYours;
        }

        passkey.Name = name.Value!;
        audit.Add(db, "auth.passkey_renamed", "passkey", id.ToString(), new { passkey.Name });
        await db.SaveChangesAsync(cancellationToken);
        return PasskeyResponse.From(passkey);
    }
}
