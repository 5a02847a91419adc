using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Identity.Administration;
using Spotlight.Data;
using Spotlight.Identity.Tokens;
using Spotlight.Platform;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;
using Spotlight.Platform.RateLimiting;

namespace Spotlight.Identity.Passkeys;

public sealed record PasskeyRegistrationRequest(Guid? CeremonyId, string? Name, JsonElement? Credential);

public sealed record PasskeyLoginRequest(Guid? CeremonyId, JsonElement? Credential);

public sealed record PasskeyRenameRequest(string? Name);

public sealed record PasskeyResponse(Guid Id, string Name, DateTime CreatedAt, DateTime? LastUsedAt, bool BackedUp, IReadOnlyList<string> Transports)
{
    public static PasskeyResponse From(PasskeyCredential p) => new(p.Id, p.Name, p.CreatedAt, p.LastUsedAt, p.BackedUp,
        p.Transports?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? []);
}

/// <summary>
/// <c>/api/v1/auth/passkeys</c>: enrol, list, rename and remove the caller's passkeys (each one found only among the
/// caller's own: another account's id is 404), and sign in with one, without a password.
/// </summary>
internal static class PasskeysApi
{
    public static async Task<Results<Ok<PasskeyCeremonyResponse>, ProblemHttpResult>> BeginRegistration(
        ClaimsPrincipal caller, SpotlightDb db, PasskeyCeremonies ceremonies, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == caller.UserId(), cancellationToken);
        if (user is null)
        {
            return ApiProblem.NotFound();
        }

        if (await SecondFactorStepUp.IsMissingAsync(db, caller, user.Id, user.TwoFactorEnabled, cancellationToken))
        {
            return SecondFactorStepUp.Problem();
        }

        var begun = await ceremonies.BeginRegistrationAsync(user, cancellationToken);
        return begun.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(begun.Value);
    }

    public static async Task<Results<Created<PasskeyResponse>, ProblemHttpResult>> FinishRegistration(
        PasskeyRegistrationRequest request, ClaimsPrincipal caller, SpotlightDb db, PasskeyCeremonies ceremonies, CancellationToken cancellationToken)
    {
        if (request.CeremonyId is not { } ceremonyId || request.Credential is not { } credential)
        {
            return Refusal.Invalid(request.CeremonyId is null ? "ceremonyId" : "credential", "This field is required.").ToProblem();
        }

        // Checked again at the finish: a factor may have been added since this ceremony began.
        var totpEnabled = await db.Users.Where(u => u.Id == caller.UserId()).Select(u => u.TwoFactorEnabled).SingleOrDefaultAsync(cancellationToken);
        if (await SecondFactorStepUp.IsMissingAsync(db, caller, caller.UserId(), totpEnabled, cancellationToken))
        {
            return SecondFactorStepUp.Problem();
        }

        var finished = await ceremonies.FinishRegistrationAsync(caller.UserId(), ceremonyId, credential, request.Name, cancellationToken);
        return finished.Refusal is { } refusal
            ? refusal.ToProblem()
            : TypedResults.Created($"/api/v1/auth/passkeys/{finished.Value!.Id}", PasskeyResponse.From(finished.Value));
    }

    public static async Task<Ok<Page<PasskeyResponse>>> List(ClaimsPrincipal caller, SpotlightDb db, CancellationToken cancellationToken)
    {
        var userId = caller.UserId();
        // At most Passkeys:MaxPerUser (20) per account: always one page, in the list shape of every list.
        var passkeys = await db.Set<PasskeyCredential>().AsNoTracking().Where(p => p.UserId == userId).OrderBy(p => p.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<PasskeyResponse>([.. passkeys.Select(PasskeyResponse.From)], null));
    }

    public static async Task<Results<Ok<PasskeyResponse>, ProblemHttpResult>> Rename(
        Guid id, PasskeyRenameRequest request, ClaimsPrincipal caller, SpotlightDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        var name = PasskeyCeremonies.CheckName(request.Name);
        if (name.Refusal is { } refusal)
        {
            return refusal.ToProblem();
        }

        var userId = caller.UserId();
        // The owner is part of the query: another account's passkey answers exactly like one that does not exist.
        var passkey = await db.Set<PasskeyCredential>().SingleOrDefaultAsync(p => p.Id == id && p.UserId == userId, cancellationToken);
        if (passkey is null)
        {
            return NotYours();
        }

        passkey.Name = name.Value!;
        audit.Add(db, "auth.passkey_renamed", "passkey", id.ToString(), new { passkey.Name });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(PasskeyResponse.From(passkey));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        Guid id, ClaimsPrincipal caller, SpotlightDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        var userId = caller.UserId();
        // A passkey of another account is 404 before the step-up is judged: nothing tells whether that id exists.
        if (!await db.Set<PasskeyCredential>().AnyAsync(p => p.Id == id && p.UserId == userId, cancellationToken))
        {
            return NotYours();
        }

        var totpEnabled = await db.Users.Where(u => u.Id == userId).Select(u => u.TwoFactorEnabled).SingleAsync(cancellationToken);
        if (await SecondFactorStepUp.IsMissingAsync(db, caller, userId, totpEnabled, cancellationToken))
        {
            return SecondFactorStepUp.Problem();
        }

        return await RemoveOwnAsync(id, userId, db, audit, cancellationToken) ? TypedResults.NoContent() : NotYours();
    }

    /// <summary>Removes one of the account's passkeys (the console's way in, whose sign-in already asked for every factor).</summary>
    internal static async Task<bool> RemoveOwnAsync(Guid id, Guid userId, SpotlightDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        if (await db.Set<PasskeyCredential>().Where(p => p.Id == id && p.UserId == userId).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return false;
        }

        await audit.WriteAsync(db, "auth.passkey_removed", "passkey", id.ToString());
        return true;
    }

    public static async Task<Ok<PasskeyCeremonyResponse>> BeginLogin(PasskeyCeremonies ceremonies, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ceremonies.BeginAssertionAsync(null, cancellationToken));

    /// <summary>Passwordless sign-in: a verified passkey (possession plus the authenticator's PIN or biometric) is both factors.</summary>
    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> FinishLogin(
        PasskeyLoginRequest request, PasskeyCeremonies ceremonies, SpotlightDb db, TokenService tokens, AuditLog audit, IdentityMetrics metrics, AccountBans bans,
        HttpContext http)
    {
        if (request.CeremonyId is not { } ceremonyId || request.Credential is not { } credential)
        {
            return Refusal.Invalid(request.CeremonyId is null ? "ceremonyId" : "credential", "This field is required.").ToProblem();
        }

        var signedIn = await ceremonies.FinishAssertionAsync(ceremonyId, credential, null, http.RequestAborted);
        if (signedIn.Refusal is { } refusal)
        {
            metrics.Login("invalid_passkey");
            return refusal.ToProblem();
        }

        var user = signedIn.Value!.User;
        if (await bans.IsBannedAsync(db, user, http.RequestAborted))
        {
            await audit.WriteAsync(db, "auth.login_failed", "user", user.Id.ToString(), new { reason = "banned", method = "passkey" }, actorId: user.Id);
            metrics.Login("banned");
            return ApiProblem.Forbidden("account_banned", "This account is suspended.");
        }

        audit.Add(db, "auth.login_succeeded", "user", user.Id.ToString(), new { method = "passkey", passkey = signedIn.Value.Passkey.Id }, actorId: user.Id);
        metrics.Login("success");
        return TypedResults.Ok(await tokens.StartSessionAsync(db, user, http.UserAgent(), http.ClientIp(), PasskeyAuthenticationMethods));
    }

    /// <summary>RFC 8176: a hardware-bound key that verified its user (PIN or biometric) is multi-factor on its own.</summary>
    public static readonly IReadOnlyList<string> PasskeyAuthenticationMethods = [AuthenticationMethods.HardwareKey, AuthenticationMethods.MultiFactor];

    private static ProblemHttpResult NotYours() => ApiProblem.NotFound("No passkey of yours has this id.");
}

public static class PasskeysModule
{
    public static IServiceCollection AddPasskeys(this IServiceCollection services, IConfiguration configuration, SpotlightIdentityOptions identity)
    {
        services.AddSettings<PasskeyOptions>(PasskeyOptions.Section)
            .PostConfigure(o => PasskeyOptions.Fill(o, identity.PublicBaseUrl))
            .ValidateWith(PasskeyOptions.Problems)
            .ServedAsValue();
        // Fido2's DI package is not used: the library is one stateless object built from the settings.
        services.AddSingleton<Fido2NetLib.IFido2>(sp => new Fido2NetLib.Fido2(sp.GetRequiredService<PasskeyOptions>().ToFido2(), null!));
        services.AddScoped<PasskeyCeremonies>();
        return services;
    }

    public static RouteGroupBuilder MapPasskeys(this RouteGroupBuilder auth)
    {
        var passkeys = auth.MapGroup("/passkeys");
        passkeys.MapPost("/register/begin", PasskeysApi.BeginRegistration).RequireAuthorization().WithName("BeginPasskeyRegistration")
            .WithSummary("Start enrolling a passkey: WebAuthn creation options and the ceremony id to finish with");
        passkeys.MapPost("/register/finish", PasskeysApi.FinishRegistration).RequireAuthorization().WithName("FinishPasskeyRegistration")
            .WithSummary("Finish enrolling a passkey with the authenticator's attestation");
        passkeys.MapGet("/", PasskeysApi.List).RequireAuthorization().WithName("ListPasskeys").WithSummary("The caller's passkeys");
        passkeys.MapPatch("/{id:guid}", PasskeysApi.Rename).RequireAuthorization().WithName("RenamePasskey").WithSummary("Rename one of the caller's passkeys");
        passkeys.MapDelete("/{id:guid}", PasskeysApi.Remove).RequireAuthorization().WithName("RemovePasskey").WithSummary("Remove one of the caller's passkeys: it can no longer sign in");
        passkeys.MapPost("/login/begin", PasskeysApi.BeginLogin).RequireRateLimit("login").WithName("BeginPasskeyLogin")
            .WithSummary("Start a passwordless sign-in: WebAuthn request options and the ceremony id to finish with");
        passkeys.MapPost("/login/finish", PasskeysApi.FinishLogin).RequireRateLimit("login").WithName("FinishPasskeyLogin")
            .WithSummary("Sign in with a passkey's assertion (no password)");
        return passkeys;
    }
}
