using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Accounts;
using Spotlight.Identity.Passkeys;
using Spotlight.Identity.Tokens;

namespace Spotlight.Identity.Staff;

/// <summary>
/// Between the password and the second step (a TOTP code, or a passkey) the account is carried in a signed, five-minute
/// ticket bound to its security stamp, never the password.
/// </summary>
public sealed class StaffSignInTickets(SpotlightDb db, IDataProtectionProvider protection, Lockout lockout)
{
    private static readonly TimeSpan TicketLifetime = TimeSpan.FromMinutes(5);
    private readonly ITimeLimitedDataProtector _tickets = protection.CreateProtector("Spotlight.Admin.SignInTicket").ToTimeLimitedDataProtector();

    internal string Issue(User user) => _tickets.Protect($"{user.Id}|{TokenService.StampHash(user.SecurityStamp)}", TicketLifetime);

    /// <summary>The account a password step's ticket names, while the ticket is fresh and the account unchanged and not locked.</summary>
    internal async Task<User?> UserAsync(string ticket, CancellationToken cancellationToken)
    {
        if (Read(ticket) is not { } issued)
        {
            return null;
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == issued.UserId, cancellationToken);
        return user is null || lockout.IsLockedOut(user) || TokenService.StampHash(user.SecurityStamp) != issued.Stamp ? null : user;
    }

    /// <summary>The second steps a ticket's account can take (a TOTP code, a passkey); null when the ticket no longer holds.</summary>
    public async Task<(bool Code, bool Passkey)?> SecondStepsAsync(string ticket, CancellationToken cancellationToken) =>
        await UserAsync(ticket, cancellationToken) is { } user ? (user.TwoFactorEnabled, await HasPasskeyAsync(user.Id, cancellationToken)) : null;

    internal Task<bool> HasPasskeyAsync(Guid userId, CancellationToken cancellationToken) =>
        db.Set<PasskeyCredential>().AnyAsync(p => p.UserId == userId, cancellationToken);

    private (Guid UserId, string Stamp)? Read(string ticket)
    {
        try
        {
            var parts = _tickets.Unprotect(ticket).Split('|');
            return parts.Length == 2 && Guid.TryParse(parts[0], out var id) ? (id, parts[1]) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
