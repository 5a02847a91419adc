using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Passkeys;

/// <summary><c>DELETE /auth/passkeys/{id}</c> (and the console): removes one of the caller's passkeys, which can no longer sign in.</summary>
public sealed class RemovePasskey(SpotlightDb db, AuditLog audit, SecondFactorStepUp stepUp)
{
    public async Task<Refusal?> HandleAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var userId = caller.UserId;
        // A passkey of another account is 404 before the step-up is judged: nothing tells whether that id exists.
        if (!await db.Set<PasskeyCredential>().AnyAsync(p => p.Id == id && p.UserId == userId, cancellationToken))
        {
            return RenamePasskey.NotYours;
        }

        var totpEnabled = await db.Users.Where(u => u.Id == userId).Select(u => u.TwoFactorEnabled).SingleAsync(cancellationToken);
        if (await stepUp.IsMissingAsync(caller, totpEnabled, cancellationToken))
        {
            return SecondFactorStepUp.Refusal;
        }

        if (await db.Set<PasskeyCredential>().Where(p => p.Id == id && p.UserId == userId).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return RenamePasskey.NotYours;
        }

        await audit.WriteAsync(db, "auth.passkey_removed", "passkey", id.ToString());
        return null;
    }
}
