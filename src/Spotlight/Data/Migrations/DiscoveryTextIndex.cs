using Microsoft.EntityFrameworkCore.Migrations;

namespace Spotlight.Data.Migrations;

/// <summary>
/// The full-text index of posts' text, one per provider, outside the EF model (EF cannot say either provider-neutrally;
/// SchemaMatchesModelTests names them as provider-only). Built and searched by Content's discovery part.
/// <list type="bullet">
/// <item>PostgreSQL: a generated <c>tsvector</c> column with a GIN index. <c>simple</c> (no stemming, any language) over
/// the text with punctuation turned into spaces, so words split where SQLite's unicode61 tokenizer splits them and not
/// into PostgreSQL's host names, paths and hyphenated compounds: both engines find the same posts.</item>
/// <item>SQLite: a contentless FTS5 table (the text stays in <c>Posts</c> only) and a table mapping its integer rowids to
/// post ids (the posts table's own rowid is not stable across VACUUM), kept in step by triggers in the writer's
/// transaction.</item>
/// </list>
/// </summary>
internal static class DiscoveryTextIndex
{
    private const string Postgres = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public static void Create(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider == Postgres)
        {
            migrationBuilder.Sql("""
                ALTER TABLE "Posts" ADD COLUMN "SearchVector" tsvector
                    GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace("Text", '[[:punct:]]', ' ', 'g'))) STORED;
                CREATE INDEX "IX_Posts_SearchVector" ON "Posts" USING gin ("SearchVector");
                """);
            return;
        }

        migrationBuilder.Sql("""
            CREATE TABLE post_search_rows ("RowId" INTEGER PRIMARY KEY, "PostId" TEXT NOT NULL UNIQUE);
            CREATE VIRTUAL TABLE post_search USING fts5("Text", content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
            INSERT INTO post_search_rows ("PostId") SELECT "Id" FROM "Posts";
            INSERT INTO post_search (rowid, "Text") SELECT r."RowId", p."Text" FROM "Posts" p JOIN post_search_rows r ON r."PostId" = p."Id";
            CREATE TRIGGER posts_search_insert AFTER INSERT ON "Posts" BEGIN
                INSERT INTO post_search_rows ("PostId") VALUES (new."Id");
                INSERT INTO post_search (rowid, "Text") SELECT "RowId", new."Text" FROM post_search_rows WHERE "PostId" = new."Id";
            END;
            CREATE TRIGGER posts_search_update AFTER UPDATE OF "Text" ON "Posts" BEGIN
                DELETE FROM post_search WHERE rowid = (SELECT "RowId" FROM post_search_rows WHERE "PostId" = old."Id");
                INSERT INTO post_search (rowid, "Text") SELECT "RowId", new."Text" FROM post_search_rows WHERE "PostId" = new."Id";
            END;
            CREATE TRIGGER posts_search_delete AFTER DELETE ON "Posts" BEGIN
                DELETE FROM post_search WHERE rowid = (SELECT "RowId" FROM post_search_rows WHERE "PostId" = old."Id");
                DELETE FROM post_search_rows WHERE "PostId" = old."Id";
            END;
            """);
    }

    public static void Drop(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider == Postgres)
        {
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS "IX_Posts_SearchVector";
                ALTER TABLE "Posts" DROP COLUMN IF EXISTS "SearchVector";
                """);
            return;
        }

        migrationBuilder.Sql("""
            DROP TRIGGER IF EXISTS posts_search_insert;
            DROP TRIGGER IF EXISTS posts_search_update;
            DROP TRIGGER IF EXISTS posts_search_delete;
            DROP TABLE IF EXISTS post_search;
            DROP TABLE IF EXISTS post_search_rows;
            """);
    }
}
