using System.Diagnostics.Metrics;

namespace Spotlight.Identity;

public sealed class IdentityMetrics
{
    public IdentityMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create("Spotlight.Identity");
        Registrations = meter.CreateCounter<long>("spotlight_registrations_total", description: "Accounts registered.");
        Logins = meter.CreateCounter<long>("spotlight_logins_total", description: "Login attempts by outcome.");
        RefreshReuse = meter.CreateCounter<long>("spotlight_refresh_token_reuse_total", description: "Spent refresh tokens presented again (family revoked).");
    }

    public Counter<long> Registrations { get; }

    public Counter<long> Logins { get; }

    public Counter<long> RefreshReuse { get; }

    public void Login(string outcome) => Logins.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
