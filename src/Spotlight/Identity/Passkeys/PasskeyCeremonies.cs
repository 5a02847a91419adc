using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Passkeys;

public sealed record PasskeyCeremonyResponse(Guid CeremonyId, JsonElement Options);

/// <summary>The refusals particular to passkeys (the type is the one every use case returns, <see cref="Refusal"/>).</summary>
public static class PasskeyRefusals
{
    public static readonly Refusal SignInFailed = new(StatusCodes.Status401Unauthorized, "invalid_passkey",
        "The passkey could not be verified. Begin the sign-in again.");

    public static readonly Refusal CeremonyExpired = new(StatusCodes.Status400BadRequest, "passkey_ceremony_expired",
        "This registration has expired, was already finished, or was begun by someone else. Begin again.");
}

public sealed record PasskeySignIn(User User, PasskeyCredential Passkey);

/// <summary>
/// The WebAuthn ceremonies (through Fido2), shared by the API and the admin console. Begin stores the options server-side
/// and hands out a ceremony id; finish claims that ceremony by deleting it (so a challenge is answered at most once),
/// lets Fido2 check origin, RP id hash, challenge, user presence and verification and the signature, and then moves the
/// stored signature counter forward in one conditional update (a counter that does not advance means a cloned key).
/// </summary>
public sealed class PasskeyCeremonies(SpotlightDb db, IFido2 fido2, PasskeyOptions options, AuditLog audit, TimeProvider time)
{
    public async Task<Outcome<PasskeyCeremonyResponse>> BeginRegistrationAsync(User user, CancellationToken cancellationToken)
    {
        var existing = await db.Set<PasskeyCredential>().AsNoTracking().Where(p => p.UserId == user.Id).Select(p => p.CredentialId).ToListAsync(cancellationToken);
        if (existing.Count >= options.MaxPerUser)
        {
            return LimitReached();
        }

        var request = fido2.RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = user.Id.ToByteArray(), Name = user.Handle, DisplayName = user.DisplayName ?? user.Handle },
            // The authenticators this account already has are refused by the browser, so one key is not enrolled twice.
            ExcludeCredentials = existing.Select(id => new PublicKeyCredentialDescriptor(id)).ToList(),
            // A discoverable credential (passwordless sign-in) that verifies its user (PIN or biometric): two factors in one.
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Required,
                UserVerification = UserVerificationRequirement.Required,
            },
            AttestationPreference = AttestationConveyancePreference.None,
            PubKeyCredParams = [PubKeyCredParam.ES256, PubKeyCredParam.Ed25519, PubKeyCredParam.RS256],
        });
        return await StoreAsync(user.Id, PasskeyCeremony.Registration, request.ToJson(), cancellationToken);
    }

    public async Task<Outcome<PasskeyCredential>> FinishRegistrationAsync(
        Guid userId, Guid ceremonyId, JsonElement credential, string? name, CancellationToken cancellationToken)
    {
        var checkedName = CheckName(name ?? "Passkey");
        if (checkedName.Refusal is { } invalidName)
        {
            return invalidName;
        }

        if (Read<AuthenticatorAttestationRawResponse>(credential) is not { } attestation)
        {
            return Malformed();
        }

        // Every id goes back out in later options (excludeCredentials, allowCredentials), which are stored per ceremony:
        // bounded ids keep those within their column for Passkeys:MaxPerUser keys. Real authenticators use 16–128 bytes.
        if (attestation.RawId is null || attestation.RawId.Length > PasskeyCredential.MaxAcceptedCredentialIdLength)
        {
            return Refusal.Invalid("credential", $"This authenticator's credential id is longer than {PasskeyCredential.MaxAcceptedCredentialIdLength} bytes; use another authenticator.");
        }

        var ceremony = await TakeAsync(ceremonyId, PasskeyCeremony.Registration, cancellationToken);
        if (ceremony is null || ceremony.UserId != userId)
        {
            return PasskeyRefusals.CeremonyExpired;
        }

        if (await db.Set<PasskeyCredential>().CountAsync(p => p.UserId == userId, cancellationToken) >= options.MaxPerUser)
        {
            return LimitReached();
        }

        RegisteredPublicKeyCredential registered;
        try
        {
            registered = await fido2.MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = attestation,
                OriginalOptions = CredentialCreateOptions.FromJson(ceremony.Options),
                IsCredentialIdUniqueToUserCallback = async (args, ct) => !await db.Set<PasskeyCredential>().AnyAsync(p => p.CredentialId == args.CredentialId, ct),
            }, cancellationToken);
        }
        catch (Fido2VerificationException e)
        {
            await audit.WriteAsync(db, "auth.passkey_registration_failed", "user", userId.ToString(), new { reason = e.Code.ToString() });
            return e.Code == Fido2ErrorCode.NonUniqueCredentialId
                ? Exists()
                : new Refusal(StatusCodes.Status400BadRequest, "invalid_passkey", "The authenticator's response could not be verified: " + e.Message);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var passkey = new PasskeyCredential
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            CredentialId = registered.Id,
            PublicKey = registered.PublicKey,
            SignCount = registered.SignCount,
            Name = checkedName.Value!,
            Transports = registered.Transports is { Length: > 0 } t ? string.Join(",", t.Select(x => x.ToString().ToLowerInvariant())) : null,
            BackedUp = registered.IsBackedUp,
            CreatedAt = now,
        };
        db.Add(passkey);
        audit.Add(db, "auth.passkey_added", "passkey", passkey.Id.ToString(), new { passkey.Name }, actorId: userId);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same authenticator enrolled twice at once: the unique index lets one win.
            db.ChangeTracker.Clear();
            return Exists();
        }

        return passkey;
    }

    /// <summary>Options for a sign-in: any discoverable passkey (<paramref name="userId"/> null), or one of that account's (a second factor).</summary>
    public async Task<PasskeyCeremonyResponse> BeginAssertionAsync(Guid? userId, CancellationToken cancellationToken)
    {
        var allowed = userId is { } id
            ? (await db.Set<PasskeyCredential>().AsNoTracking().Where(p => p.UserId == id).Select(p => p.CredentialId).ToListAsync(cancellationToken))
                .Select(c => new PublicKeyCredentialDescriptor(c)).ToList()
            : [];
        var assertion = fido2.GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = allowed,
            UserVerification = UserVerificationRequirement.Required,
        });
        return (await StoreAsync(userId, PasskeyCeremony.Assertion, assertion.ToJson(), cancellationToken)).Value!;
    }

    /// <summary>Verifies an assertion; <paramref name="userId"/> is the account a second-factor ceremony was begun for (null: passwordless).</summary>
    public async Task<Outcome<PasskeySignIn>> FinishAssertionAsync(Guid ceremonyId, JsonElement credential, Guid? userId, CancellationToken cancellationToken)
    {
        if (Read<AuthenticatorAssertionRawResponse>(credential) is not { RawId.Length: > 0 } assertion)
        {
            return Malformed();
        }

        var ceremony = await TakeAsync(ceremonyId, PasskeyCeremony.Assertion, cancellationToken);
        if (ceremony is null || ceremony.UserId != userId)
        {
            return await FailedAsync(null, "ceremony");
        }

        var passkey = await db.Set<PasskeyCredential>().AsNoTracking().SingleOrDefaultAsync(p => p.CredentialId == assertion.RawId, cancellationToken);
        if (passkey is null || (userId is { } expected && passkey.UserId != expected))
        {
            return await FailedAsync(passkey?.UserId, "unknown_credential");
        }

        VerifyAssertionResult verified;
        try
        {
            verified = await fido2.MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = assertion,
                OriginalOptions = AssertionOptions.FromJson(ceremony.Options),
                StoredPublicKey = passkey.PublicKey,
                StoredSignatureCounter = (uint)passkey.SignCount,
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) =>
                    Task.FromResult(args.UserHandle.AsSpan().SequenceEqual(passkey.UserId.ToByteArray()) && args.CredentialId.AsSpan().SequenceEqual(passkey.CredentialId)),
            }, cancellationToken);
        }
        catch (Fido2VerificationException e)
        {
            return e.Code == Fido2ErrorCode.InvalidSignCount
                ? await CloneSuspectedAsync(passkey, 0)
                : await FailedAsync(passkey.UserId, e.Code.ToString());
        }

        // WebAuthn §6.1.1: when either counter is non-zero the new one must be greater; all-zero means the authenticator keeps none.
        long count = verified.SignCount;
        var now = time.GetUtcNow().UtcDateTime;
        var advanced = await db.Set<PasskeyCredential>()
            .Where(p => p.Id == passkey.Id && (p.SignCount < count || (count == 0 && p.SignCount == 0)))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.SignCount, count).SetProperty(p => p.LastUsedAt, now).SetProperty(p => p.BackedUp, verified.IsBackedUp), cancellationToken);
        if (advanced == 0)
        {
            return await CloneSuspectedAsync(passkey, count);
        }

        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == passkey.UserId, cancellationToken);
        return new PasskeySignIn(user, passkey);
    }

    /// <summary>A name for a passkey: 1–64 characters, no control characters.</summary>
    public static Outcome<string> CheckName(string? name)
    {
        var trimmed = name?.Trim();
        return string.IsNullOrEmpty(trimmed) || trimmed.Length > PasskeyCredential.MaxNameLength || trimmed.Any(char.IsControl)
            ? Refusal.Invalid("name", $"Give 1 to {PasskeyCredential.MaxNameLength} characters, without control characters.")
            : trimmed;
    }

    private async Task<Outcome<PasskeyCeremonyResponse>> StoreAsync(Guid? userId, string purpose, string optionsJson, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // Ceremonies nobody finished are swept as new ones begin: the table holds minutes' worth at most.
        await db.Set<PasskeyCeremony>().Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var ceremony = new PasskeyCeremony
        {
            Id = Guid.CreateVersion7(), UserId = userId, Purpose = purpose, Options = optionsJson, ExpiresAt = now.AddMinutes(options.CeremonyMinutes),
        };
        db.Add(ceremony);
        await db.SaveChangesAsync(cancellationToken);
        using var document = JsonDocument.Parse(optionsJson);
        return new PasskeyCeremonyResponse(ceremony.Id, document.RootElement.Clone());
    }

    private async Task<PasskeyCeremony?> TakeAsync(Guid id, string purpose, CancellationToken cancellationToken)
    {
        var ceremony = await db.Set<PasskeyCeremony>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.Purpose == purpose, cancellationToken);
        if (ceremony is null)
        {
            return null;
        }

        // Deleting is the claim: of two finishes with one challenge, one deletes the row and the other finds nothing.
        var claimed = await db.Set<PasskeyCeremony>().Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken) == 1;
        return claimed && ceremony.ExpiresAt > time.GetUtcNow().UtcDateTime ? ceremony : null;
    }

    private async Task<Refusal> FailedAsync(Guid? userId, string reason)
    {
        await audit.WriteAsync(db, "auth.passkey_login_failed", userId is null ? null : "user", userId?.ToString(), new { reason }, actorId: userId);
        return PasskeyRefusals.SignInFailed;
    }

    private async Task<Refusal> CloneSuspectedAsync(PasskeyCredential passkey, long presented)
    {
        await audit.WriteAsync(db, "auth.passkey_clone_suspected", "passkey", passkey.Id.ToString(),
            new { stored = passkey.SignCount, presented }, actorId: passkey.UserId);
        return PasskeyRefusals.SignInFailed;
    }

    private static T? Read<T>(JsonElement credential)
        where T : class
    {
        try
        {
            return credential.ValueKind == JsonValueKind.Object ? credential.Deserialize<T>() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Refusal Malformed() => Refusal.Invalid("credential", "Give the PublicKeyCredential as JSON (its toJSON() form).");

    private Refusal LimitReached() =>
        new(StatusCodes.Status409Conflict, "passkey_limit_reached", $"An account can have at most {options.MaxPerUser} passkeys: remove one first.");

    private static Refusal Exists() =>
        new(StatusCodes.Status409Conflict, "passkey_exists", "This authenticator is already registered.");
}
