using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Spotlight.Identity.Account;
using Spotlight.Identity.Accounts;
using Spotlight.Identity.Administration;
using Spotlight.Identity.Creators;
using Spotlight.Identity.Staff;
using Spotlight.Identity.Email;
using Spotlight.Identity.Passkeys;
using Spotlight.Identity.Passwords;
using Spotlight.Identity.Sessions;
using Spotlight.Identity.Tokens;
using Spotlight.Identity.TwoFactorAuth;
using Spotlight.Platform;
using Spotlight.Platform.Commands;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;
using Spotlight.Platform.RateLimiting;
using Spotlight.Platform.Security;

namespace Spotlight.Identity;

/// <summary>Accounts, tokens, sessions, two-factor, roles and tiers (API.md, Identity).</summary>
public static class IdentityModule
{
    public const string AdminPolicy = "admin";
    public const string StaffPolicy = "staff";
    public const string CreatorPolicy = "creator";
    public const string VerifiedEmailPolicy = "verified-email";

    public static WebApplicationBuilder AddIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings<SpotlightIdentityOptions>(SpotlightIdentityOptions.Section).ServedAsValue();
        var identity = builder.Configuration.ReadSettings<SpotlightIdentityOptions>(SpotlightIdentityOptions.Section); // hashing and passkey set-up
        services.AddSettings<JwtOptions>(JwtOptions.Section)
            .Validate(o => o.AccessTokenMinutes is >= 1 and <= 15, "Jwt:AccessTokenMinutes must be from 1 to 15.")
            .ServedAsValue();
        services.AddScoped<Users.IUserDirectory, Users.UserDirectory>();
        services.AddMemoryCache();

        // Stateless and used by singletons (the hash gate); Identity would register it per scope.
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddIdentityCore<User>(o =>
            {
                // Spotlight checks passwords, handles and lockout itself (PasswordPolicy, AccountRules, Lockout).
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredLength = PasswordPolicy.MinimumLength;
                o.User.RequireUniqueEmail = false;
            })
            .AddUserStore<SpotlightUserStore>()
            .AddDefaultTokenProviders();
        services.Replace(ServiceDescriptor.Scoped<ILookupNormalizer, EmailLookupNormalizer>());
        services.Configure<PasswordHasherOptions>(o => o.IterationCount = identity.PasswordHashIterations);
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<PasswordHashWorkers>();
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<IdentityMetrics>();
        services.AddSingleton<Lockout>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<SessionStateCache>();
        services.AddSingleton<SessionRevoker>();
        services.AddSingleton<CookieSessions>();
        services.AddSingleton<UserEvents>();
        services.AddSingleton<AccountBans>();
        services.AddJob<SuspensionExpiryJob>(every: TimeSpan.FromMinutes(1));
        services.AddSingleton<AccountEmails>();
        services.AddScoped<TwoFactor>();
        services.AddScoped<PasswordCheck>();
        services.AddScoped<Register>();
        services.AddScoped<Login>();
        services.AddScoped<Refresh>();
        services.AddScoped<Logout>();
        services.AddScoped<ListSessions>();
        services.AddScoped<RevokeSession>();
        services.AddScoped<ForgotPassword>();
        services.AddScoped<ResetPassword>();
        services.AddScoped<ChangePassword>();
        services.AddScoped<VerifyEmail>();
        services.AddScoped<ResendVerification>();
        services.AddScoped<ReadMe>();
        services.AddScoped<UpdateMe>();
        services.AddScoped<SetupTwoFactor>();
        services.AddScoped<EnableTwoFactor>();
        services.AddScoped<DisableTwoFactor>();
        services.AddScoped<NewRecoveryCodes>();
        services.AddAdminUsers();
        services.AddAccountData();
        services.AddCreatorOnboarding();
        services.AddStaffConsole();
        services.AddPasskeys(builder.Configuration, identity);

// Email:Sender checked at start-up (Production never falls back to files silently); the SMTP settings are read at
        // each message, so a server saved in the admin console applies on every node without a restart.
        var emailSender = EmailSenders.Choose(builder.Configuration, builder.Environment);
        services.AddSettings<SmtpOptions>(SmtpOptions.Section);
        services.AddSingleton<FileEmailSender>();
        services.AddSingleton<SmtpEmailSender>();
        if (emailSender == EmailSenderKind.File)
        {
            services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<FileEmailSender>());
        }
        else
        {
            services.AddSingleton<IEmailSender, ConfiguredEmailSender>();
        }

        services.AddJob<VerificationEmailJob>();
        services.AddJob<PasswordResetEmailJob>();
        services.AddSingleton<ICliCommand, AdminCreateCommand>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<PlatformSecrets, TimeProvider, Microsoft.Extensions.Options.IOptions<JwtOptions>>((options, secrets, time, jwt) => AccessTokenValidation.Configure(options, secrets, jwt.Value, time));
        services.AddOptions<SecondFactorOptions>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, SecondFactorHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, SecondFactorRefusal>();
        services.AddAuthorizationBuilder()
            // Staff routes take a second factor when Admin:RequireTwoFactor is on: a stolen password alone must not reach them.
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(Role.Admin).RequireSecondFactor())
            .AddPolicy(StaffPolicy, p => p.RequireAuthenticatedUser().RequireRole(Role.Admin, Role.Moderator).RequireSecondFactor())
            .AddPolicy(CreatorPolicy, p => p.RequireAuthenticatedUser().RequireRole(Role.Creator))
            .AddPolicy(VerifiedEmailPolicy, p => p.RequireAuthenticatedUser().RequireClaim("email_verified", "true"));
        return builder;
    }

    public static IEndpointRouteBuilder MapIdentity(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Identity");
        auth.MapPost("/register", RegisterAsync).RequireRateLimit("register").WithName("Register").WithSummary("Create an account and sign in");
        auth.MapPost("/login", LoginAsync).RequireRateLimit("login").WithName("Login").WithSummary("Sign in with email and password (and a TOTP code when 2FA is on)");
        auth.MapPost("/refresh", RefreshAsync).WithName("Refresh").WithSummary("Trade a refresh token for a new token pair; the old refresh token is spent");
        auth.MapPost("/logout", LogoutAsync).WithName("Logout").WithSummary("End the session (token family) of a refresh token");
        auth.MapGet("/sessions", ListSessionsAsync).RequireAuthorization().WithName("ListSessions").WithSummary("The caller's active sessions, one page");
        auth.MapDelete("/sessions/{id:guid}", RevokeSessionAsync).RequireAuthorization().WithName("RevokeSession").WithSummary("End one of the caller's sessions");
        auth.MapPost("/password/forgot", ForgotPasswordAsync).RequireRateLimit("password-reset").WithName("ForgotPassword").WithSummary("Email a password-reset link (202 whether or not the account exists)");
        auth.MapPost("/password/reset", ResetPasswordAsync).RequireRateLimit("password-reset").WithName("ResetPassword").WithSummary("Set a new password with a reset token; ends every session");
        auth.MapPost("/password/change", ChangePasswordAsync).RequireAuthorization().WithName("ChangePassword").WithSummary("Change the password; ends every other session");
        auth.MapPost("/email/verify", VerifyEmailAsync).WithName("VerifyEmail").WithSummary("Confirm the email address with the emailed token");
        auth.MapPost("/email/verify/resend", ResendVerificationAsync).RequireAuthorization().WithName("ResendVerification").WithSummary("Send the verification email again");
        auth.MapPost("/2fa/setup", SetupTwoFactorAsync).RequireAuthorization().WithName("SetupTwoFactor").WithSummary("Start TOTP enrolment: a new secret and recovery codes (not active until enabled)");
        auth.MapPost("/2fa/enable", EnableTwoFactorAsync).RequireAuthorization().WithName("EnableTwoFactor").WithSummary("Turn TOTP on with a current code; ends every other session");
        auth.MapPost("/2fa/disable", DisableTwoFactorAsync).RequireAuthorization().WithName("DisableTwoFactor").WithSummary("Turn TOTP off with a current code or a recovery code");
        auth.MapPost("/2fa/recovery-codes", NewRecoveryCodesAsync).RequireAuthorization().WithName("NewRecoveryCodes").WithSummary("Replace the recovery codes (shown once)");
        auth.MapPasskeys();

        var me = app.MapGroup("/api/v1/me").WithTags("Identity").RequireAuthorization();
        me.MapGet("/", ReadMeAsync).WithName("GetMe").WithSummary("The caller's account");
        me.MapPatch("/", UpdateMeAsync).WithName("UpdateMe").WithSummary("Change displayName, bio or avatarUrl");

        app.MapAdminGroup().MapAdminUsers();
        app.MapAccountData();
        app.MapCreatorOnboarding();
        return app;
    }

    private static async Task<Results<Created<TokenResponse>, ValidationProblem, ProblemHttpResult>> RegisterAsync(RegisterRequest request, Register register, HttpContext http) =>
        (await register.HandleAsync(request, SignInClient.Of(http), http.RequestAborted)).Answer(tokens => TypedResults.Created("/api/v1/me", tokens), http);

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(LoginRequest request, Login login, HttpContext http) =>
        (await login.HandleAsync(request, http)).Answer(TypedResults.Ok, http);

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> RefreshAsync(RefreshRequest request, Refresh refresh, CancellationToken cancellationToken) =>
        (await refresh.HandleAsync(request, cancellationToken)).Answer(TypedResults.Ok);

    private static async Task<Results<NoContent, ValidationProblem>> LogoutAsync(RefreshRequest request, Logout logout, CancellationToken cancellationToken) =>
        await logout.HandleAsync(request, cancellationToken) is { } refusal ? IdentityHttp.Validation(refusal) : TypedResults.NoContent();

    private static async Task<Ok<Page<SessionResponse>>> ListSessionsAsync(ClaimsPrincipal caller, ListSessions list, CancellationToken cancellationToken) =>
        TypedResults.Ok(await list.HandleAsync(caller.UserId(), caller.SessionId(), PageRequest.MaxLimit, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeSessionAsync(Guid id, ClaimsPrincipal caller, RevokeSession revoke, CancellationToken cancellationToken) =>
        await revoke.HandleAsync(caller.UserId(), id, cancellationToken) is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();

    private static async Task<Results<Accepted, ValidationProblem>> ForgotPasswordAsync(ForgotPasswordRequest request, ForgotPassword forgot, CancellationToken cancellationToken) =>
        await forgot.HandleAsync(request, cancellationToken) is { } refusal ? IdentityHttp.Validation(refusal) : TypedResults.Accepted((string?)null);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ResetPasswordAsync(ResetPasswordRequest request, ResetPassword reset, HttpContext http) =>
        (await reset.HandleAsync(request, http.RequestAborted)).NoContentUnless(http);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request, ClaimsPrincipal caller, ChangePassword change, HttpContext http) =>
        (await change.HandleAsync(caller.UserId(), caller.SessionId(), request, http.RequestAborted)).NoContentUnless(http);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> VerifyEmailAsync(VerifyEmailRequest request, VerifyEmail verify, CancellationToken cancellationToken) =>
        (await verify.HandleAsync(request, cancellationToken)).NoContentUnless();

    private static async Task<Results<Accepted, ProblemHttpResult>> ResendVerificationAsync(ClaimsPrincipal caller, ResendVerification resend, CancellationToken cancellationToken) =>
        await resend.HandleAsync(caller.UserId(), cancellationToken) is { } refusal ? refusal.ToProblem() : TypedResults.Accepted((string?)null);

    private static async Task<Results<Ok<TwoFactorSetupResponse>, ProblemHttpResult>> SetupTwoFactorAsync(ClaimsPrincipal caller, SetupTwoFactor setup, CancellationToken cancellationToken) =>
        (await setup.HandleAsync(Caller.From(caller), cancellationToken)).AnswerOrProblem(TypedResults.Ok);

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> EnableTwoFactorAsync(
        TwoFactorCodeRequest request, ClaimsPrincipal caller, EnableTwoFactor enable, CancellationToken cancellationToken) =>
        (await enable.HandleAsync(Caller.From(caller), request, cancellationToken)).NoContentUnless();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DisableTwoFactorAsync(
        TwoFactorCodeRequest request, ClaimsPrincipal caller, DisableTwoFactor disable, CancellationToken cancellationToken) =>
        (await disable.HandleAsync(caller.UserId(), request, cancellationToken)).NoContentUnless();

    private static async Task<Results<Ok<RecoveryCodesResponse>, ValidationProblem, ProblemHttpResult>> NewRecoveryCodesAsync(
        TwoFactorCodeRequest request, ClaimsPrincipal caller, NewRecoveryCodes renew, CancellationToken cancellationToken) =>
        (await renew.HandleAsync(caller.UserId(), request, cancellationToken)).Answer(TypedResults.Ok);

    private static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> ReadMeAsync(ClaimsPrincipal caller, ReadMe read, CancellationToken cancellationToken) =>
        (await read.HandleAsync(caller.UserId(), cancellationToken)).AnswerOrProblem(TypedResults.Ok);

    private static async Task<Results<Ok<MeResponse>, ValidationProblem, ProblemHttpResult>> UpdateMeAsync(
        UpdateMeRequest request, ClaimsPrincipal caller, UpdateMe update, CancellationToken cancellationToken) =>
        (await update.HandleAsync(caller.UserId(), request, cancellationToken)).Answer(TypedResults.Ok);
}
