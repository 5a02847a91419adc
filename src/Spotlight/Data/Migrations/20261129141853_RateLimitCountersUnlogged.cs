using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <summary>
    /// PostgreSQL: rate-limit counters leave the write-ahead log. Every limited request upserts a counter, and with
    /// <c>synchronous_commit</c> on each waited for a WAL flush (issue 13: switching it off lifted <c>/me</c> from about
    /// 1,400–1,800 to 2,150–2,300 req/s). A transaction that writes only unlogged tables commits without that wait. What
    /// is given up: after a PostgreSQL crash (not a clean restart) the table is emptied, so the current windows start
    /// again from zero, and standbys do not have it — harmless for counters that live a minute. Money, idempotency records,
    /// messages and audit stay logged. SQLite has no such thing: nothing changes there.
    /// </summary>
    public partial class RateLimitCountersUnlogged : Migration
    {
        private const string Postgres = "Npgsql.EntityFrameworkCore.PostgreSQL";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider == Postgres)
            {
                migrationBuilder.Sql("ALTER TABLE rate_limit_counters SET UNLOGGED;");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider == Postgres)
            {
                migrationBuilder.Sql("ALTER TABLE rate_limit_counters SET LOGGED;");
            }
        }
    }
}
