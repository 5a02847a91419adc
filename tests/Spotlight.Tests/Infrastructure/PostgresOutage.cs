using Npgsql;

namespace Spotlight.Tests.Infrastructure;

/// <summary>Makes a test database refuse every new connection and drops the open ones, until disposed: a real outage.</summary>
public sealed class PostgresOutage : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name;

    private PostgresOutage(string admin, string name)
    {
        _admin = admin;
        _name = name;
    }

    public static async Task<PostgresOutage> StartAsync(TestDatabase database)
    {
        var admin = Environment.GetEnvironmentVariable("SPOTLIGHT_TEST_POSTGRES")!;
        var outage = new PostgresOutage(admin, database.Name!);
        await outage.RunAsync($"ALTER DATABASE \"{database.Name}\" ALLOW_CONNECTIONS false");
        await outage.RunAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database.Name}' AND pid <> pg_backend_pid()");
        NpgsqlConnection.ClearAllPools();
        return outage;
    }

    public async ValueTask DisposeAsync() => await RunAsync($"ALTER DATABASE \"{_name}\" ALLOW_CONNECTIONS true");

    private async Task RunAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
