using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Spotlight.Platform;

namespace Spotlight.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers <see cref="SpotlightDb"/> on SQLite (default) or PostgreSQL, from <c>Database:Provider</c>.</summary>
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        builder.Services.AddSettings<DatabaseOptions>(DatabaseOptions.Section).ValidateWith(DatabaseOptions.Problems)
            .ServedAsValue(); // for the modules whose handlers still take DatabaseOptions itself
        var options = builder.Configuration.ReadSettings<DatabaseOptions>(DatabaseOptions.Section); // the provider decides what is registered
        var dataDirectory = DataDirectory.Resolve(builder.Configuration);
        builder.Services.AddSingleton<IInterceptor, NoAutomaticSavepoints>();

        if (options.IsPostgres)
        {
            var connectionString = builder.Configuration.GetConnectionString("Default");
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new StartupRefusedException(
                    "Database:Provider is 'postgres' but ConnectionStrings:Default is not set. " +
                    "Set it, e.g. ConnectionStrings__Default='Host=db;Database=spotlight;Username=spotlight;Password=...'.");
            }

            var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
            if (!System.Text.RegularExpressions.Regex.IsMatch(connectionString, @"max\s*auto\s*prepare\s*=", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
            {
                // The hot paths repeat a handful of statements (rate-limit upsert, ledger debit and credit, session and
                // user reads): prepared once per physical connection, PostgreSQL skips parsing and planning them on
                // every call. Set "Max Auto Prepare=0" in the connection string to turn it off (e.g. behind a pooler
                // that cannot keep prepared statements).
                dataSourceBuilder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            }

            var dataSource = dataSourceBuilder.Build();
            builder.Services.AddSingleton(dataSource);
            builder.Services.AddDbContextPool<SpotlightDb>((services, db) => db
                .UseNpgsql(dataSource)
                .AddInterceptors(services.GetServices<IInterceptor>())
                // The snapshot is taken on SQLite (tools/new-migration), so on PostgreSQL EF sees provider annotations
                // as "pending changes". SQLite keeps the check, and SchemaMatchesModelTests compares both real schemas.
                .ConfigureWarnings(w => QuietExpectedFailures(w).Ignore(RelationalEventId.PendingModelChangesWarning)));
        }
        else
        {
            var sqlite = new SqliteConnectionStringBuilder(builder.Configuration.GetConnectionString("Default") ?? "");
            if (string.IsNullOrWhiteSpace(sqlite.DataSource))
            {
                sqlite.DataSource = Path.Combine(dataDirectory.Path, "spotlight.db");
                sqlite.Pooling = true;
            }

            // Microsoft.Data.Sqlite retries a busy database until the command timeout (30 s by default) on top of
            // busy_timeout: bound both by the one setting, so a long lock becomes a 503 in seconds, not a hung request.
            sqlite.DefaultTimeout = Math.Max(1, options.SqliteBusyTimeoutMs / 1000);
            var connectionString = sqlite.ToString();

            var pragmas = new SqlitePragmas(options.SqliteBusyTimeoutMs);
            builder.Services.AddDbContextPool<SpotlightDb>((services, db) => db
                .UseSqlite(connectionString)
                .AddInterceptors(services.GetServices<IInterceptor>().Append(pragmas))
                .ConfigureWarnings(w => QuietExpectedFailures(w)));
        }

        builder.Services.AddSingleton<DatabaseMigrator>();
        return builder;
    }

    /// <summary>
    /// EF Core sets a savepoint before every SaveChanges inside an explicit transaction, so that a failed save could be
    /// retried within it; on PostgreSQL that is one more round trip per save. No code here retries inside a transaction:
    /// a failure rolls the whole transaction back (money movements, messages, follows, notifications). So none is set.
    /// The setting lives on the context and a pooled context resets it, hence before every save.
    /// </summary>
    private sealed class NoAutomaticSavepoints : SaveChangesInterceptor
    {
        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            Disable(eventData);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Disable(eventData);
            return ValueTask.FromResult(result);
        }

        private static void Disable(DbContextEventData eventData)
        {
            if (eventData.Context is { } context)
            {
                context.Database.AutoSavepointsEnabled = false;
            }
        }
    }

    /// <summary>Every SQLite connection waits for a busy writer instead of failing, and enforces foreign keys.</summary>
    private sealed class SqlitePragmas(int busyTimeoutMs) : DbConnectionInterceptor
    {
        private readonly string _sql = $"PRAGMA busy_timeout={busyTimeoutMs}; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Run(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Run(connection);
            return Task.CompletedTask;
        }

        private void Run(DbConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = _sql;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// EF logs every failed command and save at Error, with a stack trace, before the caller sees the exception. Many are
    /// expected outcomes the code handles: a unique key that makes a retry idempotent, a race lost on purpose, the
    /// migrations history table that a fresh PostgreSQL does not have yet. Those log at Debug; a failure nobody handles
    /// still reaches the exception handler (or the job runner), which logs it once with the request id.
    /// </summary>
    private static WarningsConfigurationBuilder QuietExpectedFailures(WarningsConfigurationBuilder warnings) =>
        warnings.Log((CoreEventId.SaveChangesFailed, LogLevel.Debug), (RelationalEventId.CommandError, LogLevel.Debug));
}
