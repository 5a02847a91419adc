using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Spotlight.Data;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Data;

/// <summary>
/// The migrations are made provider-neutral by hand (tools/new-migration), so nothing but this test proves that what they
/// build on each provider is what the EF model expects: the same tables, columns, store types, nullability and indexes.
/// </summary>
public sealed class SchemaMatchesModelTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task The_migrated_schema_equals_the_model_on_this_provider()
    {
        var (expected, actual) = await app.WithDbAsync(async db => (Expected(db.Model.GetRelationalModel()), await ActualAsync(db)));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        var differences = new List<string>();
        foreach (var (table, model) in expected)
        {
            var real = actual[table];
            foreach (var column in model.Columns.Keys.Union(real.Columns.Keys).Order())
            {
                var want = model.Columns.GetValueOrDefault(column);
                var have = real.Columns.GetValueOrDefault(column);
                if (want != have)
                {
                    differences.Add($"{table}.{column}: model {want?.ToString() ?? "(none)"}, database {have?.ToString() ?? "(none)"}");
                }
            }

            foreach (var index in model.Indexes.Union(real.Indexes).Except(model.Indexes.Intersect(real.Indexes)))
            {
                differences.Add($"{table}: index {index} is only in the {(model.Indexes.Contains(index) ? "model" : "database")}");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    private static Dictionary<string, TableShape> Expected(IRelationalModel model) =>
        model.Tables.ToDictionary(t => t.Name, t => new TableShape(
            t.Columns.ToDictionary(c => c.Name, c => new ColumnShape(Normalize(c.StoreType), c.IsNullable)),
            t.Indexes.Select(i => new IndexShape(i.IsUnique, string.Join(",", i.Columns.Select(c => c.Name))))
                .Concat(t.UniqueConstraints.Where(u => !u.GetIsPrimaryKey()).Select(u => new IndexShape(true, string.Join(",", u.Columns.Select(c => c.Name)))))
                .ToHashSet()));

    private static async Task<Dictionary<string, TableShape>> ActualAsync(SpotlightDb db)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            return TestDatabase.IsPostgres ? await PostgresAsync(connection) : await SqliteAsync(connection);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<Dictionary<string, TableShape>> SqliteAsync(DbConnection connection)
    {
        var tables = new Dictionary<string, TableShape>();
        foreach (var table in await QueryAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EFMigrations%' AND name NOT LIKE 'post_search%'", r => r.GetString(0)))
        {
            var columns = (await QueryAsync(connection, $"PRAGMA table_info(\"{table}\")", r => (Name: r.GetString(1), Type: r.GetString(2), NotNull: r.GetInt64(3) == 1, Pk: r.GetInt64(5) > 0)))
                .ToDictionary(c => c.Name, c => new ColumnShape(Normalize(c.Type), !c.NotNull && !c.Pk));
            var indexes = new HashSet<IndexShape>();
            foreach (var (name, unique, origin) in await QueryAsync(connection, $"PRAGMA index_list(\"{table}\")", r => (r.GetString(1), r.GetInt64(2) == 1, r.GetString(3))))
            {
                if (origin == "pk")
                {
                    continue;
                }

                var indexColumns = await QueryAsync(connection, $"PRAGMA index_info(\"{name}\")", r => (Seq: r.GetInt64(0), Name: r.GetString(2)));
                indexes.Add(new IndexShape(unique, string.Join(",", indexColumns.OrderBy(c => c.Seq).Select(c => c.Name))));
            }

            tables[table] = new TableShape(columns, indexes);
        }

        return tables;
    }

    private static async Task<Dictionary<string, TableShape>> PostgresAsync(DbConnection connection)
    {
        var columns = await QueryAsync(connection, """
            SELECT table_name, column_name,
                   CASE WHEN data_type = 'character varying' AND character_maximum_length IS NOT NULL
                        THEN 'character varying(' || character_maximum_length || ')' ELSE data_type END,
                   is_nullable = 'YES'
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'
              AND NOT (table_name = 'Posts' AND column_name = 'SearchVector')
            """, r => (Table: r.GetString(0), Name: r.GetString(1), Type: r.GetString(2), Nullable: r.GetBoolean(3)));
        var indexes = await QueryAsync(connection, """
            SELECT t.relname, ix.indisunique, string_agg(a.attname, ',' ORDER BY k.ord)
            FROM pg_index ix
            JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_class i ON i.oid = ix.indexrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE n.nspname = 'public' AND NOT ix.indisprimary AND t.relname <> '__EFMigrationsHistory'
              AND i.relname <> ALL (@providerOnly)
            GROUP BY t.relname, i.relname, ix.indisunique
            """, r => (Table: r.GetString(0), Unique: r.GetBoolean(1), Columns: r.GetString(2)));
        return columns.GroupBy(c => c.Table).ToDictionary(
            g => g.Key,
            g => new TableShape(
                g.ToDictionary(c => c.Name, c => new ColumnShape(Normalize(c.Type), c.Nullable)),
                indexes.Where(i => i.Table == g.Key).Select(i => new IndexShape(i.Unique, i.Columns)).ToHashSet()));
    }

    /// <summary>
    /// Indexes that exist on purpose outside the EF model, on PostgreSQL only: the trigram indexes of the admin user
    /// search (migration UserSearchTrigramIndex) and the posts' full-text index (DiscoveryTextIndex: the generated
    /// <c>Posts."SearchVector"</c>, left out of the columns above; on SQLite its FTS5 tables <c>post_search*</c>, left out
    /// of the tables), which EF cannot express provider-neutrally.
    /// </summary>
    private static readonly string[] ProviderOnlyIndexes = ["IX_users_NormalizedEmail_trgm", "IX_users_NormalizedUserName_trgm", "IX_Posts_SearchVector"];

    private static string Normalize(string storeType) => storeType.Trim().ToLowerInvariant();

    private static async Task<List<T>> QueryAsync<T>(DbConnection connection, string sql, Func<DbDataReader, T> read)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (sql.Contains("@providerOnly", StringComparison.Ordinal))
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter("providerOnly", ProviderOnlyIndexes));
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private sealed record TableShape(Dictionary<string, ColumnShape> Columns, HashSet<IndexShape> Indexes);

    private sealed record ColumnShape(string StoreType, bool Nullable);

    private sealed record IndexShape(bool Unique, string Columns);
}
