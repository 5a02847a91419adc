using Microsoft.Data.Sqlite;
using Npgsql;

namespace Spotlight.Tests.Infrastructure;

/// <summary>
/// Which store the suite runs on: <c>SPOTLIGHT_TEST_PROVIDER</c> = <c>sqlite</c> (default) or <c>postgres</c>, with
/// <c>SPOTLIGHT_TEST_POSTGRES</c> a connection string to a server where the user may create databases (.ci/run starts a
/// throwaway cluster and sets both). Each app under test gets a database of its own, dropped afterwards.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _adminConnectionString;

    private TestDatabase(string provider, string connectionString, string? adminConnectionString, string? name, string? file)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
        Name = name;
        File = file;
    }

    public static string ProviderName => (Environment.GetEnvironmentVariable("SPOTLIGHT_TEST_PROVIDER") ?? "sqlite").ToLowerInvariant();

    public static bool IsPostgres => ProviderName is "postgres" or "postgresql";

    public string Provider { get; }

    public string ConnectionString { get; }

    public string? Name { get; }

    public string? File { get; }

    public static async Task<TestDatabase> CreateAsync(string directory)
    {
        if (!IsPostgres)
        {
            var file = Path.Combine(directory, "spotlight.db");
            return new TestDatabase("sqlite", new SqliteConnectionStringBuilder { DataSource = file, Pooling = true }.ToString(), null, null, file);
        }

        var admin = Environment.GetEnvironmentVariable("SPOTLIGHT_TEST_POSTGRES")
            ?? throw new InvalidOperationException("SPOTLIGHT_TEST_PROVIDER=postgres needs SPOTLIGHT_TEST_POSTGRES (a connection string that may CREATE DATABASE); .ci/run sets it.");
        var name = "spotlight_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 200, Timeout = 30, CommandTimeout = 60 };
        return new TestDatabase("postgres", builder.ToString(), admin, name, null);
    }

    /// <summary>The same database for another app (a second node); only the creator drops it.</summary>
    public TestDatabase Share() => new(Provider, ConnectionString, null, Name, File);

    public async ValueTask DisposeAsync()
    {
        if (_adminConnectionString is null || Name is null)
        {
            SqliteConnection.ClearAllPools();
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A test that only means something on PostgreSQL (several nodes sharing one database); skipped on SQLite.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!TestDatabase.IsPostgres)
        {
            Skip = "Needs PostgreSQL: eval \"$(tools/pg-throwaway start /tmp/spotlight-pg)\" (it sets SPOTLIGHT_TEST_POSTGRES), then run with SPOTLIGHT_TEST_PROVIDER=postgres; .ci/run does both.";
        }
    }
}
