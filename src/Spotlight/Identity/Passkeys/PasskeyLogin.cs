using System.Text.Json;
using Spotlight.Data;
using Spotlight.Identity.Administration;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Passkeys;

public sealed record PasskeyLoginRequest(Guid? CeremonyId, JsonElement? Credential);

/// <summary>
/// <c>POST /auth/passkeys/login/finish</c>: passwordless sign-in; a verified passkey (possession plus the authenticator's
/// PIN or biometric) is both factors.
/// </summary>
public sealed class PasskeyLogin(PasskeyCeremonies ceremonies, SpotlightDb db, TokenService tokens, AuditLog audit, IdentityMetrics metrics, AccountBans bans)
{
    /// <summary>RFC 8176: a hardware-bound key that verified its user (PIN or biometric) is multi-factor on its own.</summary>
    public static readonly IReadOnlyList<string> PasskeyAuthenticationMethods = [AuthenticationMethods.HardwareKey, AuthenticationMethods.MultiFactor];

    public async Task<Outcome<TokenResponse>> HandleAsync(PasskeyLoginRequest request, SignInClient client, CancellationToken cancellationToken)
    {
        if (request.CeremonyId is not { } ceremonyId || request.Credential is not { } credential)
        {
            return Refusal.Invalid(request.CeremonyId is null ? "ceremonyId" : "credential", "This field is required.");
        }

        var signedIn = await ceremonies.FinishAssertionAsync(ceremonyId, credential, null, cancellationToken);
        if (signedIn.Refusal is { } refusal)
        {
            metrics.Login("invalid_passkey");
            return refusal;
        }

        var user = signedIn.Value!.User;
        if (await bans.IsBannedAsync(db, user, cancellationToken))
        {
            await audit.WriteAsync(db, "auth.login_failed", "user", user.Id.ToString(), new { reason = "banned", method = "passkey" }, actorId: user.Id);
            metrics.Login("banned");
            return Refusal.Forbidden("account_banned", "This account is suspended.");
        }

        audit.Add(db, "auth.login_succeeded", "user", user.Id.ToString(), new { method = "passkey", passkey = signedIn.Value.Passkey.Id }, actorId: user.Id);
        metrics.Login("success");
        return await tokens.StartSessionAsync(db, user, client.UserAgent, client.Ip, PasskeyAuthenticationMethods);
    }
}
