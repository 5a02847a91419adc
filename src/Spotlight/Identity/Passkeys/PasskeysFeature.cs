using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.RateLimiting;

namespace Spotlight.Identity.Passkeys;

/// <summary>
/// <c>/api/v1/auth/passkeys</c>: enrol, list, rename and remove the caller's passkeys (each one found only among the
/// caller's own: another account's id is 404), and sign in with one, without a password.
/// </summary>
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
        services.AddScoped<SecondFactorStepUp>();
        services.AddScoped<BeginPasskeyRegistration>();
        services.AddScoped<FinishPasskeyRegistration>();
        services.AddScoped<ListPasskeys>();
        services.AddScoped<RenamePasskey>();
        services.AddScoped<RemovePasskey>();
        services.AddScoped<PasskeyLogin>();
        return services;
    }

    public static RouteGroupBuilder MapPasskeys(this RouteGroupBuilder auth)
    {
        var passkeys = auth.MapGroup("/passkeys");
        passkeys.MapPost("/register/begin", BeginRegistration).RequireAuthorization().WithName("BeginPasskeyRegistration")
            .WithSummary("Start enrolling a passkey: WebAuthn creation options and the ceremony id to finish with");
        passkeys.MapPost("/register/finish", FinishRegistration).RequireAuthorization().WithName("FinishPasskeyRegistration")
            .WithSummary("Finish enrolling a passkey with the authenticator's attestation");
        passkeys.MapGet("/", List).RequireAuthorization().WithName("ListPasskeys").WithSummary("The caller's passkeys");
        passkeys.MapPatch("/{id:guid}", Rename).RequireAuthorization().WithName("RenamePasskey").WithSummary("Rename one of the caller's passkeys");
        passkeys.MapDelete("/{id:guid}", Remove).RequireAuthorization().WithName("RemovePasskey").WithSummary("Remove one of the caller's passkeys: it can no longer sign in");
        passkeys.MapPost("/login/begin", BeginLogin).RequireRateLimit("login").WithName("BeginPasskeyLogin")
            .WithSummary("Start a passwordless sign-in: WebAuthn request options and the ceremony id to finish with");
        passkeys.MapPost("/login/finish", FinishLogin).RequireRateLimit("login").WithName("FinishPasskeyLogin")
            .WithSummary("Sign in with a passkey's assertion (no password)");
        return passkeys;
    }

    private static async Task<Results<Ok<PasskeyCeremonyResponse>, ProblemHttpResult>> BeginRegistration(
        ClaimsPrincipal caller, BeginPasskeyRegistration begin, CancellationToken cancellationToken) =>
        (await begin.HandleAsync(Caller.From(caller), cancellationToken)).AnswerOrProblem(TypedResults.Ok);

    private static async Task<Results<Created<PasskeyResponse>, ProblemHttpResult>> FinishRegistration(
        PasskeyRegistrationRequest request, ClaimsPrincipal caller, FinishPasskeyRegistration finish, CancellationToken cancellationToken) =>
        (await finish.HandleAsync(Caller.From(caller), request, cancellationToken)).AnswerOrProblem(p => TypedResults.Created($"/api/v1/auth/passkeys/{p.Id}", p));

    private static async Task<Ok<Page<PasskeyResponse>>> List(ClaimsPrincipal caller, ListPasskeys list, CancellationToken cancellationToken) =>
        TypedResults.Ok(await list.HandleAsync(caller.UserId(), cancellationToken));

    private static async Task<Results<Ok<PasskeyResponse>, ProblemHttpResult>> Rename(
        Guid id, PasskeyRenameRequest request, ClaimsPrincipal caller, RenamePasskey rename, CancellationToken cancellationToken) =>
        (await rename.HandleAsync(caller.UserId(), id, request, cancellationToken)).AnswerOrProblem(TypedResults.Ok);

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(Guid id, ClaimsPrincipal caller, RemovePasskey remove, CancellationToken cancellationToken) =>
        await remove.HandleAsync(Caller.From(caller), id, cancellationToken) is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();

    private static async Task<Ok<PasskeyCeremonyResponse>> BeginLogin(PasskeyCeremonies ceremonies, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ceremonies.BeginAssertionAsync(null, cancellationToken));

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> FinishLogin(PasskeyLoginRequest request, PasskeyLogin login, HttpContext http) =>
        (await login.HandleAsync(request, SignInClient.Of(http), http.RequestAborted)).AnswerOrProblem(TypedResults.Ok);
}
