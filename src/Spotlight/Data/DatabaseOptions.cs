namespace Spotlight.Data;

/// <summary>Which store Spotlight keeps its data in. Bound from the <c>Database</c> section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>sqlite</c> (embedded, one node) or <c>postgres</c> (production, several nodes).</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Apply pending migrations when the server starts; turn off to run <c>migrate</c> as a release step.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Milliseconds a SQLite writer waits for the lock before giving up.</summary>
    public int SqliteBusyTimeoutMs { get; set; } = 5000;

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "postgresql", StringComparison.OrdinalIgnoreCase);
}
