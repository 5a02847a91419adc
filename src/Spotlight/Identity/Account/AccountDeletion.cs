using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Sessions;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Events;

namespace Spotlight.Identity.Account;

/// <summary>What ends at once when an account goes: every session on every node, and every hub connection.</summary>
internal sealed class AccountLockout(SessionRevoker sessions, UserEvents events)
{
    public async Task EnforceAsync(SpotlightDb db, Guid userId)
    {
        await sessions.RevokeAllAsync(db, userId, "account_deleted");
        await events.DeletedAsync(userId);
    }
}

/// <summary>
/// Deletes an account, for the user (<see cref="DeleteAccount"/>) and for an admin alike. In one transaction: every
/// module's <see cref="IPersonalData.EraseAsync"/> (Identity's anonymizes the account itself: email, handle, names, avatar,
/// bio and password gone, unique placeholders in their place), the audit entry and <see cref="UserDeleted"/>. Once it has
/// committed: the sessions and the hub connections end on every node, and files go. Run again on a deleted account it
/// erases whatever is left (idempotent), so an interrupted deletion can be finished by an admin.
/// </summary>
internal sealed class AccountDeletion(
    SpotlightDb db,
    IEnumerable<IPersonalData> parts,
    AccountLockout lockout,
    DomainEvents domainEvents,
    AuditLog audit,
    TimeProvider time,
    ILogger<AccountDeletion> logger)
{
    /// <summary>False: no such account.</summary>
    public async Task<bool> DeleteAsync(Guid userId, string requestedBy, CancellationToken cancellationToken)
    {
        var erasure = new PersonalDataErasure(time.GetUtcNow().UtcDateTime);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var account = await db.Users.Where(u => u.Id == userId).Select(u => new { u.DeletedAt }).SingleOrDefaultAsync(cancellationToken);
            if (account is null)
            {
                return false;
            }

            var again = account.DeletedAt is not null;

            // Identity's own part last: the others may still adjust the account's figures (follow counts) before it is blanked.
            foreach (var part in parts.OrderBy(p => p is IdentityPersonalData ? 1 : 0))
            {
                await part.EraseAsync(userId, erasure, cancellationToken);
            }

            audit.Add(db, "account.deleted", "user", userId.ToString(), new { requestedBy, again });
            if (!again)
            {
                domainEvents.Raise(db, new UserDeleted(userId, erasure.Now));
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await lockout.EnforceAsync(db, userId);
        await erasure.RunAfterCommitAsync(logger, CancellationToken.None);
        return true;
    }
}
