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

    /// <summary>What is wrong with these settings, each naming its setting; nothing when they are usable.</summary>
    internal static IEnumerable<string> Problems(DatabaseOptions options)
    {
        if (!options.IsPostgres && !string.Equals(options.Provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"Database:Provider must be 'sqlite' or 'postgres', not '{options.Provider}'.";
        }

        if (options.SqliteBusyTimeoutMs < 1)
        {
            yield return "Database:SqliteBusyTimeoutMs must be at least 1.";
        }
    }

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "postgresql", StringComparison.OrdinalIgnoreCase);
}
