using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Accounts;
using Spotlight.Identity.Sessions;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Security;

namespace Spotlight.Identity;

public sealed record TwoFactorSetupResponse(string OtpauthUri, string Secret, IReadOnlyList<string> RecoveryCodes);

/// <summary>
/// TOTP (RFC 6238) with Identity's authenticator key, plus ten single-use recovery codes. Every place that checks a code
/// (API login, 2FA enable/disable, new recovery codes, the console's sign-in and enrolment) comes through here, so each
/// TOTP time step is accepted once per account (<see cref="User.LastTotpTimeStep"/>) and each recovery code once.
/// </summary>
public sealed class TwoFactor(
    UserManager<User> users, IUserStore<User> store, SpotlightDb db, SessionRevoker sessions, SpotlightIdentityOptions options, TimeProvider time)
{
    public const int RecoveryCodeCount = 10;

    /// <summary>Steps either side of now a code may come from (clock drift and typing time): 30 s each way.</summary>
    private const int AllowedDriftSteps = 1;

    /// <summary>A TOTP code, or a recovery code (which is spent).</summary>
    public async Task<bool> VerifyLoginCodeAsync(User user, string code)
    {
        var trimmed = Clean(code);
        if (IsTotpShaped(trimmed))
        {
            return await VerifyTotpAsync(user, trimmed);
        }

        var tracked = await users.FindByIdAsync(user.Id.ToString());
        return tracked is not null && trimmed.Length is > 0 and <= 32 && (await users.RedeemTwoFactorRecoveryCodeAsync(tracked, trimmed)).Succeeded;
    }

    /// <summary>A current TOTP code of the account's authenticator key, of a time step later than the last one accepted.</summary>
    public async Task<bool> VerifyTotpAsync(User user, string? code)
    {
        var trimmed = Clean(code);
        if (!IsTotpShaped(trimmed) || await users.GetAuthenticatorKeyAsync(user) is not { } secret)
        {
            return false;
        }

        var key = Base32.Decode(secret);
        var now = time.GetUtcNow().ToUnixTimeSeconds() / 30;
        var expected = Encoding.ASCII.GetBytes(trimmed);
        for (var step = now + AllowedDriftSteps; step >= now - AllowedDriftSteps; step--)
        {
            if (CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(TotpCode.At(key, step))))
            {
                // Claim the step in one conditional update: of two requests with the same code (or an older one), one wins.
                var matched = step;
                var claimed = await db.Users.Where(u => u.Id == user.Id && (u.LastTotpTimeStep == null || u.LastTotpTimeStep < matched))
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastTotpTimeStep, matched)) == 1;
                if (claimed)
                {
                    // UserManager writes every column of a tracked user back: it must not write the old step over this one.
                    user.LastTotpTimeStep = matched;
                    if (db.Entry(user).State != EntityState.Detached)
                    {
                        db.Entry(user).Property(u => u.LastTotpTimeStep).OriginalValue = matched;
                    }
                }

                return claimed;
            }
        }

        return false;
    }

    /// <summary>Turns 2FA on (a new security stamp) and ends every other session: one signed in before it never had to show a code.</summary>
    public async Task EnableAsync(User user, Guid? currentSession)
    {
        var previousStamp = user.SecurityStamp;
        await users.SetTwoFactorEnabledAsync(user, true);
        await sessions.RevokeOthersAsync(db, user.Id, currentSession, previousStamp, "two_factor_enabled");
    }

    /// <summary>What a verified login code adds to the password, as <c>amr</c> says it (a TOTP code or a recovery code).</summary>
    public static IReadOnlyList<string> AmrFor(string code) =>
        IsTotpShaped(Clean(code)) ? Tokens.AuthenticationMethods.PasswordAndTotp : Tokens.AuthenticationMethods.PasswordAndRecoveryCode;

    public async Task<TwoFactorSetupResponse> SetupAsync(User user)
    {
        // A key not yet in use: unlike UserManager.ResetAuthenticatorKeyAsync, the security stamp (and so every session's
        // access tokens) stays as it is; enabling is what changes it.
        await ((IUserAuthenticatorKeyStore<User>)store).SetAuthenticatorKeyAsync(user, users.GenerateNewAuthenticatorKey(), CancellationToken.None);
        await users.UpdateAsync(user);
        var secret = await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("No authenticator key was stored.");
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList() ?? [];
        return new TwoFactorSetupResponse(OtpauthUri(user, secret), secret, codes);
    }

    /// <summary>The key as an authenticator app reads it (typed in, or scanned as a QR code).</summary>
    public string OtpauthUri(User user, string secret)
    {
        var issuer = Uri.EscapeDataString(options.TotpIssuer);
        var label = Uri.EscapeDataString($"{options.TotpIssuer}:{user.Email}");
        return $"otpauth://totp/{label}?secret={secret}&issuer={issuer}&digits=6&period=30&algorithm=SHA1";
    }

    /// <summary>
    /// A code checked for a signed-in caller counts toward the login lockout like a wrong password: a stolen access token
    /// must not buy unlimited guesses. While locked the code is not even checked (nor a recovery code spent), and the
    /// answer is the wrong-code answer.
    /// </summary>
    internal static async Task<bool> CheckSignedInCodeAsync(User user, string? code, Func<User, string, Task<bool>> verify, Lockout lockout, SpotlightDb db, string reason)
    {
        if (lockout.IsLockedOut(user))
        {
            return false;
        }

        if (string.IsNullOrWhiteSpace(code) || !await verify(user, code))
        {
            await lockout.RecordFailureAsync(db, user, reason);
            return false;
        }

        await lockout.ResetAsync(db, user);
        return true;
    }

    /// <summary>Turns two-factor authentication off and forgets the key and the recovery codes (Identity gives the account a new stamp).</summary>
    internal static async Task TurnOffAsync(UserManager<User> users, User user)
    {
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "AuthenticatorKey");
        await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "RecoveryCodes");
    }

    internal static readonly Refusal WrongCode = IdentityRefusals.Invalid("code", "The code is wrong or expired.");

    internal static readonly Refusal NotOn = Refusal.Conflict("two_factor_disabled", "Two-factor authentication is not on.");

    private static string Clean(string? code) => (code ?? "").Replace(" ", "", StringComparison.Ordinal).Trim();

    private static bool IsTotpShaped(string code) => code.Length == 6 && code.All(char.IsAsciiDigit);
}

/// <summary>RFC 6238 with RFC 4226's truncation: HMAC-SHA1, six digits, 30-second steps, as authenticator apps compute it.</summary>
internal static class TotpCode
{
    public static string At(byte[] key, long step)
    {
        var counter = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
#pragma warning disable CA5350 // RFC 6238 authenticator apps use HMAC-SHA1; HMAC does not rely on SHA-1's collision resistance
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>RFC 4648 base32, the form Identity stores authenticator keys in.</summary>
internal static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static byte[] Decode(string input)
    {
        var output = new List<byte>(input.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in input.TrimEnd('='))
        {
            var value = Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException("The authenticator key is not base32.");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. output];
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

    // Identity's own names for the rows (UserStoreBase keeps its constants private).
    private const string InternalLoginProvider = "[AspNetUserStore]";
    private const string RecoveryCodesName = "RecoveryCodes";

    public override Task SetAuthenticatorKeyAsync(User user, string key, CancellationToken cancellationToken) =>
        base.SetAuthenticatorKeyAsync(user, protector.Protect(key, KeyPurpose + ":" + user.Id), cancellationToken);

    public override async Task<string?> GetAuthenticatorKeyAsync(User user, CancellationToken cancellationToken)
    {
        var stored = await base.GetAuthenticatorKeyAsync(user, cancellationToken);
        return stored is null ? null : protector.Unprotect(stored, KeyPurpose + ":" + user.Id);
    }

    public override Task ReplaceCodesAsync(User user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        base.ReplaceCodesAsync(user, recoveryCodes.Select(Hash), cancellationToken);

    /// <summary>
    /// Removes the code's hash from the stored list. Not through the base class: it would write the rest back through
    /// <see cref="ReplaceCodesAsync"/>, hashing the hashes, and every other code would die with the first one used.
    /// The user's concurrency stamp (saved by UserManager with this) makes two concurrent uses of one code spend it once.
    /// </summary>
    public override async Task<bool> RedeemCodeAsync(User user, string code, CancellationToken cancellationToken)
    {
        var stored = (await GetTokenAsync(user, InternalLoginProvider, RecoveryCodesName, cancellationToken) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
        var hash = Hash(code);
        if (!stored.Contains(hash, StringComparer.Ordinal))
        {
            return false;
        }

        await SetTokenAsync(user, InternalLoginProvider, RecoveryCodesName, string.Join(';', stored.Where(c => c != hash)), cancellationToken);
        return true;
    }

    private static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().ToUpperInvariant())));
}
