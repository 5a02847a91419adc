using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Identity.Passkeys;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Errors;
using Spotlight.Platform.RateLimiting;

namespace Spotlight.Admin.Console;

/// <summary>The console's passkey sign-in: alone (passwordless), or as the second step after the password (with the ticket).</summary>
public sealed partial class ConsoleSignIn
{
    /// <summary>Request options for the browser: any of the account's passkeys when <paramref name="ticket"/> names one, else any discoverable passkey.</summary>
    public async Task<PasskeyCeremonyResponse?> BeginPasskeyAsync(string? ticket, HttpContext http)
    {
        if (!(await limiter.HitPolicyAsync("login", "ip:" + RateLimits.ClientIp(http), http.RequestAborted)).Allowed)
        {
            return null;
        }

        Guid? userId = null;
        if (!string.IsNullOrEmpty(ticket))
        {
            if (await TicketUserAsync(ticket, http) is not { } user)
            {
                return null;
            }

            userId = user.Id;
        }

        return await passkeys.BeginAssertionAsync(userId, http.RequestAborted);
    }

    public async Task<SignInResult> CheckPasskeyAsync(Guid ceremonyId, JsonElement credential, string? ticket, HttpContext http)
    {
        Guid? secondFactorOf = null;
        if (!string.IsNullOrEmpty(ticket))
        {
            if (await TicketUserAsync(ticket, http) is not { } ticketUser)
            {
                return new SignInResult(SignInOutcome.InvalidCredentials);
            }

            secondFactorOf = ticketUser.Id;
        }

        var verified = await passkeys.FinishAssertionAsync(ceremonyId, credential, secondFactorOf, http.RequestAborted);
        if (verified.Refusal is not null)
        {
            metrics.Login("invalid_passkey");
            return new SignInResult(SignInOutcome.InvalidPasskey, Ticket: ticket);
        }

        // RFC 8176: a hardware-bound key that verified its user (PIN or biometric) is multi-factor on its own.
        return await FinishAsync(verified.Value!.User, secondFactorOf is null ? "hwk mfa" : "pwd hwk mfa");
    }

    /// <summary>The account a password step's ticket names, while the ticket is fresh and the account unchanged and not locked.</summary>
    private async Task<Identity.User?> TicketUserAsync(string ticket, HttpContext http)
    {
        if (ReadTicket(ticket) is not { } issued)
        {
            return null;
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == issued.UserId, http.RequestAborted);
        return user is null || lockout.IsLockedOut(user) || TokenService.StampHash(user.SecurityStamp) != issued.Stamp ? null : user;
    }

    /// <summary>The second steps a ticket's account can take (a TOTP code, a passkey); null when the ticket no longer holds.</summary>
    public async Task<(bool Code, bool Passkey)?> SecondStepsAsync(string ticket, HttpContext http) =>
        await TicketUserAsync(ticket, http) is { } user ? (user.TwoFactorEnabled, await HasPasskeyAsync(user.Id, http.RequestAborted)) : null;

    private Task<bool> HasPasskeyAsync(Guid userId, CancellationToken cancellationToken) =>
        db.Set<PasskeyCredential>().AnyAsync(p => p.UserId == userId, cancellationToken);
}
