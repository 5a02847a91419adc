using System.Buffers.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Errors;

namespace Spotlight.Platform.Paging;

/// <summary>One page of a list: API.md's <c>{ items, nextCursor }</c>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// <c>?limit=</c> (1–100, default 20) and <c>?cursor=</c>. Lists are keyset-paged on UUID v7 ids, newest first: the
/// cursor is the last id of the previous page, so a page costs one index range scan however deep it is.
/// </summary>
public readonly record struct PageRequest(int Limit, Guid? After)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>Reads limit and cursor, or returns the 400 to answer with.</summary>
    public static bool TryParse(int? limit, string? cursor, out PageRequest request, out ValidationProblem? problem)
    {
        var errors = new FieldErrors();
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"Use a limit from 1 to {MaxLimit}.");
        }

        Guid? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (DecodeCursor(cursor) is { } decoded)
            {
                after = decoded;
            }
            else
            {
                errors.Add("cursor", "This cursor is not one the server issued.");
            }
        }

        request = new PageRequest(size, after);
        problem = errors.Any ? errors.ToProblem() : null;
        return problem is null;
    }

    /// <summary>Builds the page from up to <c>Limit + 1</c> rows fetched in order; the extra row only says there is more.</summary>
    public Page<TOut> ToPage<TIn, TOut>(IReadOnlyList<TIn> rows, Func<TIn, Guid> id, Func<TIn, TOut> map)
    {
        var more = rows.Count > Limit;
        var items = new List<TOut>(Math.Min(rows.Count, Limit));
        for (var i = 0; i < rows.Count && i < Limit; i++)
        {
            items.Add(map(rows[i]));
        }

        return new Page<TOut>(items, more ? EncodeCursor(id(rows[Limit - 1])) : null);
    }

    public static string EncodeCursor(Guid id) => Base64Url.EncodeToString(id.ToByteArray(bigEndian: true));

    public static Guid? DecodeCursor(string cursor)
    {
        Span<byte> bytes = stackalloc byte[18];
        // IsValid first: TryDecodeFromChars throws, rather than answering false, on characters outside the alphabet.
        return cursor.Length == 22 && Base64Url.IsValid(cursor) && Base64Url.TryDecodeFromChars(cursor, bytes, out var written) && written == 16
            ? new Guid(bytes[..16], bigEndian: true)
            : null;
    }
}
