using System.Text.Json;
using Spotlight.Identity.Passkeys;
using Spotlight.Platform.Errors;
using Spotlight.Platform.RateLimiting;

namespace Spotlight.Identity.Staff;

/// <summary>The console's passkey sign-in: alone (passwordless), or as the second step after the password (with the ticket).</summary>
public sealed class StaffPasskeySignIn(RateLimits limiter, StaffSignInTickets tickets, PasskeyCeremonies passkeys, StaffSignInFinish finish, IdentityMetrics metrics)
{
    /// <summary>Request options for the browser: any of the account's passkeys when <paramref name="ticket"/> names one, else any discoverable passkey.</summary>
    public async Task<Outcome<PasskeyCeremonyResponse>> BeginAsync(string? ticket, HttpContext http)
    {
        if (!(await limiter.HitPolicyAsync("login", "ip:" + RateLimits.ClientIp(http), http.RequestAborted)).Allowed)
        {
            return StaffSignInRefusals.RateLimited;
        }

        Guid? userId = null;
        if (!string.IsNullOrEmpty(ticket))
        {
            if (await tickets.UserAsync(ticket, http.RequestAborted) is not { } user)
            {
                return StaffSignInRefusals.InvalidCredentials;
            }

            userId = user.Id;
        }

        return await passkeys.BeginAssertionAsync(userId, http.RequestAborted);
    }

    public async Task<Outcome<StaffSignInStep>> HandleAsync(Guid ceremonyId, JsonElement credential, string? ticket, CancellationToken cancellationToken)
    {
        Guid? secondFactorOf = null;
        if (!string.IsNullOrEmpty(ticket))
        {
            if (await tickets.UserAsync(ticket, cancellationToken) is not { } ticketUser)
            {
                return StaffSignInRefusals.InvalidCredentials;
            }

            secondFactorOf = ticketUser.Id;
        }

        var verified = await passkeys.FinishAssertionAsync(ceremonyId, credential, secondFactorOf, cancellationToken);
        if (verified.Refusal is not null)
        {
            metrics.Login("invalid_passkey");
            return StaffSignInRefusals.InvalidPasskey;
        }

        // RFC 8176: a hardware-bound key that verified its user (PIN or biometric) is multi-factor on its own.
        return await finish.FinishAsync(verified.Value!.User, secondFactorOf is null ? "hwk mfa" : "pwd hwk mfa", cancellationToken);
    }
}
