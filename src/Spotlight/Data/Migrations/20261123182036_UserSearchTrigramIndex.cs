using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <summary>
    /// PostgreSQL only: trigram indexes so the admin search (email or handle containing the text, <c>LIKE '%x%'</c>)
    /// is an index scan instead of a scan of every account. Outside the EF model on purpose (EF has no
    /// provider-neutral way to say it); SQLite needs nothing. Where the database user may not create the pg_trgm
    /// extension, the migration still succeeds and the search stays a scan (see docs/performance-admin.md).
    /// </summary>
    public partial class UserSearchTrigramIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider != "Npgsql.EntityFrameworkCore.PostgreSQL")
            {
                return;
            }

            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    CREATE EXTENSION IF NOT EXISTS pg_trgm;
                EXCEPTION WHEN insufficient_privilege OR undefined_file THEN
                    RAISE NOTICE 'pg_trgm is not available: the admin user search will scan the users table';
                END $$;
                DO $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                        CREATE INDEX IF NOT EXISTS "IX_users_NormalizedEmail_trgm" ON users USING gin ("NormalizedEmail" gin_trgm_ops);
                        CREATE INDEX IF NOT EXISTS "IX_users_NormalizedUserName_trgm" ON users USING gin ("NormalizedUserName" gin_trgm_ops);
                    END IF;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider != "Npgsql.EntityFrameworkCore.PostgreSQL")
            {
                return;
            }

            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS "IX_users_NormalizedEmail_trgm";
                DROP INDEX IF EXISTS "IX_users_NormalizedUserName_trgm";
                """);
        }
    }
}
