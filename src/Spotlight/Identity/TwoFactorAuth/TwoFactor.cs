using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Security;

namespace Spotlight.Identity;

public sealed record TwoFactorSetupResponse(string OtpauthUri, string Secret, IReadOnlyList<string> RecoveryCodes);

public sealed record TwoFactorCodeRequest(string? Code);

public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

/// <summary>TOTP (RFC 6238) through Identity's authenticator provider, plus ten single-use recovery codes.</summary>
public sealed class TwoFactor(UserManager<User> users, SpotlightIdentityOptions options)
{
    public const int RecoveryCodeCount = 10;

    /// <summary>A TOTP code, or a recovery code (which is spent).</summary>
    public async Task<bool> VerifyLoginCodeAsync(User user, string code)
    {
        var tracked = await users.FindByIdAsync(user.Id.ToString());
        if (tracked is null)
        {
            return false;
        }

        var trimmed = code.Replace(" ", "", StringComparison.Ordinal).Trim();
        if (IsTotpShaped(code))
        {
            return await users.VerifyTwoFactorTokenAsync(tracked, users.Options.Tokens.AuthenticatorTokenProvider, trimmed);
        }

        return trimmed.Length <= 32 && (await users.RedeemTwoFactorRecoveryCodeAsync(tracked, trimmed)).Succeeded;
    }

    /// <summary>Whether a login code is a TOTP code (six digits) rather than a recovery code.</summary>
    public static bool IsTotpShaped(string code) => code.Replace(" ", "", StringComparison.Ordinal).Trim() is { Length: 6 } digits && digits.All(char.IsAsciiDigit);

    /// <summary>What a verified login code adds to the password, as <c>amr</c> says it.</summary>
    public static IReadOnlyList<string> AmrFor(string code) =>
        IsTotpShaped(code) ? Tokens.AuthenticationMethods.PasswordAndTotp : Tokens.AuthenticationMethods.PasswordAndRecoveryCode;

    public async Task<TwoFactorSetupResponse> SetupAsync(User user)
    {
        await users.ResetAuthenticatorKeyAsync(user);
        var secret = await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("No authenticator key was stored.");
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList() ?? [];
        var issuer = Uri.EscapeDataString(options.TotpIssuer);
        var label = Uri.EscapeDataString($"{options.TotpIssuer}:{user.Email}");
        return new TwoFactorSetupResponse($"otpauth://totp/{label}?secret={secret}&issuer={issuer}&digits=6&period=30&algorithm=SHA1", secret, codes);
    }

    public async Task<bool> VerifyTotpAsync(User user, string? code) =>
        code is { Length: 6 } && code.All(char.IsAsciiDigit) && await users.GetAuthenticatorKeyAsync(user) is not null &&
        await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code);
}

internal static class TwoFactorApi
{
    public static async Task<Results<Ok<TwoFactorSetupResponse>, ProblemHttpResult>> Setup(ClaimsPrincipal caller, UserManager<User> users, TwoFactor twoFactor, SpotlightDb db)
    {
        var user = await users.FindByIdAsync(caller.UserId().ToString());
        if (user is null)
        {
            return ApiProblem.NotFound();
        }

        if (user.TwoFactorEnabled)
        {
            return ApiProblem.Conflict("two_factor_enabled", "Two-factor authentication is already on; disable it first to enrol a new authenticator.");
        }

        // An account with a passkey adds TOTP only from a session that used it (a password alone must not add a factor).
        if (await Passkeys.SecondFactorStepUp.IsMissingAsync(db, caller, user.Id, totpEnabled: false, default))
        {
            return Passkeys.SecondFactorStepUp.Problem();
        }

        return TypedResults.Ok(await twoFactor.SetupAsync(user));
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Enable(
        TwoFactorCodeRequest request, ClaimsPrincipal caller, UserManager<User> users, TwoFactor twoFactor, SpotlightDb db, AuditLog audit)
    {
        var user = await users.FindByIdAsync(caller.UserId().ToString());
        if (user is null)
        {
            return ApiProblem.NotFound();
        }

        if (!await twoFactor.VerifyTotpAsync(user, request.Code?.Trim()))
        {
            return ApiProblem.Validation("code", "The code is wrong or expired. Call /2fa/setup first, then send the current 6-digit code.");
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        await audit.WriteAsync(db, "auth.2fa_enabled", "user", user.Id.ToString());
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Disable(
        TwoFactorCodeRequest request, ClaimsPrincipal caller, UserManager<User> users, TwoFactor twoFactor, SpotlightDb db, AuditLog audit)
    {
        var user = await users.FindByIdAsync(caller.UserId().ToString());
        if (user is null)
        {
            return ApiProblem.NotFound();
        }

        if (!user.TwoFactorEnabled)
        {
            return ApiProblem.Conflict("two_factor_disabled", "Two-factor authentication is not on.");
        }

        if (string.IsNullOrWhiteSpace(request.Code) || !await twoFactor.VerifyLoginCodeAsync(user, request.Code))
        {
            return ApiProblem.Validation("code", "The code is wrong or expired.");
        }

        user = await users.FindByIdAsync(user.Id.ToString());
        await users.SetTwoFactorEnabledAsync(user!, false);
        await users.RemoveAuthenticationTokenAsync(user!, "[AspNetUserStore]", "AuthenticatorKey");
        await users.RemoveAuthenticationTokenAsync(user!, "[AspNetUserStore]", "RecoveryCodes");
        await audit.WriteAsync(db, "auth.2fa_disabled", "user", user!.Id.ToString());
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<RecoveryCodesResponse>, ValidationProblem, ProblemHttpResult>> NewRecoveryCodes(
        TwoFactorCodeRequest request, ClaimsPrincipal caller, UserManager<User> users, TwoFactor twoFactor, SpotlightDb db, AuditLog audit)
    {
        var user = await users.FindByIdAsync(caller.UserId().ToString());
        if (user is null || !user.TwoFactorEnabled)
        {
            return ApiProblem.Conflict("two_factor_disabled", "Two-factor authentication is not on.");
        }

        if (!await twoFactor.VerifyTotpAsync(user, request.Code?.Trim()))
        {
            return ApiProblem.Validation("code", "The code is wrong or expired.");
        }

        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, TwoFactor.RecoveryCodeCount))?.ToList() ?? [];
        await audit.WriteAsync(db, "auth.2fa_recovery_codes_regenerated", "user", user.Id.ToString());
        return TypedResults.Ok(new RecoveryCodesResponse(codes));
    }
}

/// <summary>
/// Identity's user store, with its secrets kept safe at rest: the authenticator key is encrypted (AES-GCM, see
/// <see cref="SecretProtector"/>) and recovery codes are stored only as SHA-256 hashes.
/// </summary>
internal sealed class SpotlightUserStore(SpotlightDb db, SecretProtector protector, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<User, SpotlightDb, Guid>(db, describer)
{
    private const string KeyPurpose = "identity.authenticator-key";

    public override Task SetAuthenticatorKeyAsync(User user, string key, CancellationToken cancellationToken) =>
        base.SetAuthenticatorKeyAsync(user, protector.Protect(key, KeyPurpose + ":" + user.Id), cancellationToken);

    public override async Task<string?> GetAuthenticatorKeyAsync(User user, CancellationToken cancellationToken)
    {
        var stored = await base.GetAuthenticatorKeyAsync(user, cancellationToken);
        return stored is null ? null : protector.Unprotect(stored, KeyPurpose + ":" + user.Id);
    }

    public override Task ReplaceCodesAsync(User user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        base.ReplaceCodesAsync(user, recoveryCodes.Select(Hash), cancellationToken);

    public override Task<bool> RedeemCodeAsync(User user, string code, CancellationToken cancellationToken) =>
        base.RedeemCodeAsync(user, Hash(code), cancellationToken);

    private static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().ToUpperInvariant())));
}
