using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Spotlight.Identity.Accounts;
using Spotlight.Identity.Administration;
using Spotlight.Identity.Email;
using Spotlight.Identity.Passkeys;
using Spotlight.Identity.Passwords;
using Spotlight.Identity.Sessions;
using Spotlight.Identity.Tokens;
using Spotlight.Platform;
using Spotlight.Platform.Commands;
using Spotlight.Platform.Http;
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
        auth.MapPost("/register", Register.Handle).RequireRateLimit("register").WithName("Register").WithSummary("Create an account and sign in");
        auth.MapPost("/login", Login.Handle).RequireRateLimit("login").WithName("Login").WithSummary("Sign in with email and password (and a TOTP code when 2FA is on)");
        auth.MapPost("/refresh", Refresh.Handle).WithName("Refresh").WithSummary("Trade a refresh token for a new token pair; the old refresh token is spent");
        auth.MapPost("/logout", Logout.Handle).WithName("Logout").WithSummary("End the session (token family) of a refresh token");
        auth.MapGet("/sessions", SessionsApi.List).RequireAuthorization().WithName("ListSessions").WithSummary("The caller's active sessions, one page");
        auth.MapDelete("/sessions/{id:guid}", SessionsApi.Revoke).RequireAuthorization().WithName("RevokeSession").WithSummary("End one of the caller's sessions");
        auth.MapPost("/password/forgot", PasswordApi.Forgot).RequireRateLimit("password-reset").WithName("ForgotPassword").WithSummary("Email a password-reset link (202 whether or not the account exists)");
        auth.MapPost("/password/reset", PasswordApi.Reset).RequireRateLimit("password-reset").WithName("ResetPassword").WithSummary("Set a new password with a reset token; ends every session");
        auth.MapPost("/password/change", PasswordApi.Change).RequireAuthorization().WithName("ChangePassword").WithSummary("Change the password; ends every other session");
        auth.MapPost("/email/verify", PasswordApi.VerifyEmail).WithName("VerifyEmail").WithSummary("Confirm the email address with the emailed token");
        auth.MapPost("/email/verify/resend", PasswordApi.ResendVerification).RequireAuthorization().WithName("ResendVerification").WithSummary("Send the verification email again");
        auth.MapPost("/2fa/setup", TwoFactorApi.Setup).RequireAuthorization().WithName("SetupTwoFactor").WithSummary("Start TOTP enrolment: a new secret and recovery codes (not active until enabled)");
        auth.MapPost("/2fa/enable", TwoFactorApi.Enable).RequireAuthorization().WithName("EnableTwoFactor").WithSummary("Turn TOTP on with a current code; ends every other session");
        auth.MapPost("/2fa/disable", TwoFactorApi.Disable).RequireAuthorization().WithName("DisableTwoFactor").WithSummary("Turn TOTP off with a current code or a recovery code");
        auth.MapPost("/2fa/recovery-codes", TwoFactorApi.NewRecoveryCodes).RequireAuthorization().WithName("NewRecoveryCodes").WithSummary("Replace the recovery codes (shown once)");
        auth.MapPasskeys();

        var me = app.MapGroup("/api/v1/me").WithTags("Identity").RequireAuthorization();
        me.MapGet("/", MeApi.Get).WithName("GetMe").WithSummary("The caller's account");
        me.MapPatch("/", MeApi.Update).WithName("UpdateMe").WithSummary("Change displayName, bio or avatarUrl");

        app.MapAdminGroup().MapAdminUsers();
        return app;
    }
}
