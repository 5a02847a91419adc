using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Passkeys;

public sealed record PasskeyRegistrationRequest(Guid? CeremonyId, string? Name, JsonElement? Credential);

public sealed record PasskeyResponse(Guid Id, string Name, DateTime CreatedAt, DateTime? LastUsedAt, bool BackedUp, IReadOnlyList<string> Transports)
{
    public static PasskeyResponse From(PasskeyCredential p) => new(p.Id, p.Name, p.CreatedAt, p.LastUsedAt, p.BackedUp,
        p.Transports?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? []);
}

/// <summary><c>POST /auth/passkeys/register/finish</c> (and the console's passkeys page): stores the passkey the authenticator attested.</summary>
public sealed class FinishPasskeyRegistration(SpotlightDb db, PasskeyCeremonies ceremonies, SecondFactorStepUp stepUp)
{
    public async Task<Outcome<PasskeyResponse>> HandleAsync(Caller caller, PasskeyRegistrationRequest request, CancellationToken cancellationToken)
    {
        if (request.CeremonyId is not { } ceremonyId || request.Credential is not { } credential)
        {
            return Refusal.Invalid(request.CeremonyId is null ? "ceremonyId" : "credential", "This field is required.");
        }

        // Checked again at the finish: a factor may have been added since this ceremony began.
        var totpEnabled = await db.Users.Where(u => u.Id == caller.UserId).Select(u => u.TwoFactorEnabled).SingleOrDefaultAsync(cancellationToken);
        if (await stepUp.IsMissingAsync(caller, totpEnabled, cancellationToken))
        {
            return SecondFactorStepUp.Refusal;
        }

        var finished = await ceremonies.FinishRegistrationAsync(caller.UserId, ceremonyId, credential, request.Name, cancellationToken);
        return finished.Refusal is { } refusal ? refusal : PasskeyResponse.From(finished.Value!);
    }
}
