using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Spotlight.Data.Migrations
{
    /// <summary>
    /// A post's <c>UnlockCount</c> follows its <c>PostUnlocks</c> rows: the database raises it in the statement that inserts
    /// an unlock (and lowers it if one is ever deleted), inside the buyer's transaction. So the count is exact under any
    /// concurrency and an unlock needs no round trip of its own for it: it costs what a gift costs. Outside the EF model
    /// (EF has no provider-neutral way to say it); the same trigger in each provider's dialect.
    /// </summary>
    public partial class PostUnlockCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
            {
                migrationBuilder.Sql("""
                    CREATE FUNCTION post_unlocks_count() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF TG_OP = 'INSERT' THEN
                            UPDATE "Posts" SET "UnlockCount" = "UnlockCount" + 1 WHERE "Id" = NEW."PostId";
                        ELSE
                            UPDATE "Posts" SET "UnlockCount" = "UnlockCount" - 1 WHERE "Id" = OLD."PostId";
                        END IF;
                        RETURN NULL;
                    END $$;
                    CREATE TRIGGER post_unlocks_count AFTER INSERT OR DELETE ON "PostUnlocks"
                        FOR EACH ROW EXECUTE FUNCTION post_unlocks_count();
                    """);
            }
            else
            {
                migrationBuilder.Sql("""
                    CREATE TRIGGER post_unlocks_counted AFTER INSERT ON "PostUnlocks"
                    BEGIN
                        UPDATE "Posts" SET "UnlockCount" = "UnlockCount" + 1 WHERE "Id" = NEW."PostId";
                    END;
                    """);
                migrationBuilder.Sql("""
                    CREATE TRIGGER post_unlocks_uncounted AFTER DELETE ON "PostUnlocks"
                    BEGIN
                        UPDATE "Posts" SET "UnlockCount" = "UnlockCount" - 1 WHERE "Id" = OLD."PostId";
                    END;
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
            {
                migrationBuilder.Sql("""
                    DROP TRIGGER IF EXISTS post_unlocks_count ON "PostUnlocks";
                    DROP FUNCTION IF EXISTS post_unlocks_count();
                    """);
            }
            else
            {
                migrationBuilder.Sql("DROP TRIGGER IF EXISTS post_unlocks_counted;");
                migrationBuilder.Sql("DROP TRIGGER IF EXISTS post_unlocks_uncounted;");
            }
        }
    }
}
