using Spotlight.Platform;

namespace Spotlight.Admin;

/// <summary><c>Admin:*</c> settings of the admin console.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>An administrator without two-factor authentication must enrol before using the console. Default: true in Production.</summary>
    public bool? RequireTwoFactor { get; set; }

    /// <summary>A console session ends after this long without a request (sliding).</summary>
    public int IdleTimeoutMinutes { get; set; } = 30;

    /// <summary>A console session ends this long after sign-in, however active.</summary>
    public int AbsoluteTimeoutHours { get; set; } = 8;

    /// <summary>How often each node re-reads the integration settings others may have changed.</summary>
    public double SettingsRefreshSeconds { get; set; } = 5;

    /// <summary>After a rotating secret (a webhook signing secret) is replaced, how long the old one is still accepted.</summary>
    public double SecretRotationOverlapHours { get; set; } = 24;

    /// <summary>How often an open dashboard refreshes its counters (the page's script polls <c>/admin/dashboard.json</c>).</summary>
    public double DashboardRefreshSeconds { get; set; } = 15;

    /// <summary>How often the request-metrics ring takes a sample.</summary>
    public double MetricsSampleSeconds { get; set; } = 5;

    /// <summary>Binds <c>Admin:*</c>, checked at start-up; <see cref="RequireTwoFactor"/> left unset is on in Production.</summary>
    internal static void Register(IServiceCollection services, bool production) =>
        services.AddSettings<AdminOptions>(Section)
            .Validate(o => o.IdleTimeoutMinutes >= 1 && o.AbsoluteTimeoutHours >= 1 && o.SettingsRefreshSeconds > 0 && o.MetricsSampleSeconds > 0,
                "Admin:IdleTimeoutMinutes and Admin:AbsoluteTimeoutHours must be at least 1; Admin:SettingsRefreshSeconds and Admin:MetricsSampleSeconds above 0.")
            .PostConfigure(o => o.RequireTwoFactor ??= production);
}
