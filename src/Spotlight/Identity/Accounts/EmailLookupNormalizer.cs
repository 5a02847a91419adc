using Microsoft.AspNetCore.Identity;

namespace Spotlight.Identity.Accounts;

/// <summary>
/// Identity's normalizer, replaced so that every write through <c>UserManager</c> (2FA on or off, a reset, an update)
/// keeps the folded email key of <see cref="AccountRules.NormalizeEmail"/>: its default upper-casing would quietly
/// unfold a look-alike address, lock the account out of sign-in and free the plain address for someone else.
/// Handles keep the invariant upper-casing they are stored with.
/// </summary>
internal sealed class EmailLookupNormalizer : ILookupNormalizer
{
    public string? NormalizeEmail(string? email) => email is null ? null : AccountRules.NormalizeEmail(email);

    public string? NormalizeName(string? name) => name?.ToUpperInvariant();
}
