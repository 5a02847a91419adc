using Microsoft.EntityFrameworkCore;
using Spotlight.Data;

namespace Spotlight.Content.Discovery.Search;

/// <summary>
/// The ids of posts whose text holds every term (as a word prefix): a query to compose with the visibility rules, one
/// engine per provider. Both index the same thing built by the migration <c>DiscoveryIndexes</c>, outside the EF model.
/// </summary>
public interface IPostTextIndex
{
    IQueryable<Guid> Matching(IReadOnlyList<string> terms);
}

/// <summary>
/// PostgreSQL: the generated column <c>Posts."SearchVector"</c> = <c>to_tsvector('simple', punctuation → spaces)</c>
/// with a GIN index. <c>simple</c>, not <c>english</c>: creators write in every language, and without stemming a word
/// matches exactly what SQLite's FTS5 (unicode61, no stemmer) matches, so both engines find the same posts.
/// </summary>
internal sealed class PostgresPostTextIndex(SpotlightDb db) : IPostTextIndex
{
    public IQueryable<Guid> Matching(IReadOnlyList<string> terms)
    {
        // Terms are letters and digits only (SearchTerms): nothing in them is tsquery syntax.
        var query = string.Join(" & ", terms.Select(t => t + ":*"));
        return db.Database.SqlQuery<Guid>($"""
            SELECT "Id" AS "Value" FROM "Posts" WHERE "SearchVector" @@ to_tsquery('simple', {query})
            """);
    }
}

/// <summary>
/// SQLite: the contentless FTS5 table <c>post_search</c> (the text lives in <c>Posts</c> only), whose integer rowids
/// <c>post_search_rows</c> maps to post ids; triggers on <c>Posts</c> keep both in step in the writer's transaction.
/// </summary>
internal sealed class SqlitePostTextIndex(SpotlightDb db) : IPostTextIndex
{
    public IQueryable<Guid> Matching(IReadOnlyList<string> terms)
    {
        // "term"* is a prefix query; terms side by side must all match. Quoting keeps FTS5 keywords (AND, NEAR) words.
        var match = string.Join(" ", terms.Select(t => "\"" + t + "\"*"));
        return db.Database.SqlQuery<Guid>($"""
            SELECT r."PostId" AS "Value" FROM post_search JOIN post_search_rows r ON r."RowId" = post_search.rowid
            WHERE post_search MATCH {match}
            """);
    }
}
