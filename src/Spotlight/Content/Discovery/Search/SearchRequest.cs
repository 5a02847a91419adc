using System.Buffers.Text;
using System.Text;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Content.Discovery.Search;

/// <summary>What <c>GET /search</c> looks through. Posts by default: search is mostly for content.</summary>
public static class SearchTypes
{
    public const string Users = "users";
    public const string Posts = "posts";
    public const string Hashtags = "hashtags";
    public const string Default = Posts;
    public static readonly string[] All = [Users, Posts, Hashtags];
}

/// <summary>
/// A checked <c>GET /search</c>: <paramref name="Text"/> is <c>q</c> trimmed (1–100 characters), <paramref name="After"/>
/// the decoded cursor (a post id in "N" form, a handle or a tag: where the previous page stopped in that type's order).
/// </summary>
public sealed record SearchRequest(string Text, string Type, int Limit, string? After)
{
    public const int MaxQueryLength = 100;
    private const int MaxCursorKeyLength = 256;

    public static Outcome<SearchRequest> Parse(string? q, string? type, int? limit, string? cursor)
    {
        var errors = new FieldErrors();
        var text = q?.Trim() ?? "";
        if (text.Length == 0)
        {
            errors.Add("q", "Give 1 to 100 characters to search for.");
        }
        else if (text.Length > MaxQueryLength)
        {
            errors.Add("q", $"At most {MaxQueryLength} characters.");
        }
        else if (text.Any(char.IsControl))
        {
            errors.Add("q", "The text contains control characters.");
        }

        var kind = string.IsNullOrEmpty(type) ? SearchTypes.Default : type;
        if (!SearchTypes.All.Contains(kind, StringComparer.Ordinal))
        {
            errors.Add("type", $"Use one of: {string.Join(", ", SearchTypes.All)}.");
        }

        var size = limit ?? PageRequest.DefaultLimit;
        if (size is < 1 or > PageRequest.MaxLimit)
        {
            errors.Add("limit", $"Use a limit from 1 to {PageRequest.MaxLimit}.");
        }

        string? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            after = DecodeCursor(cursor);
            if (after is null || (kind == SearchTypes.Posts && !Guid.TryParseExact(after, "N", out _)))
            {
                errors.Add("cursor", "This cursor is not one the server issued.");
            }
        }

        return errors.Any ? errors.ToRefusal() : new SearchRequest(text, kind, size, after);
    }

    /// <summary>Cursors are opaque to clients: the key of the last item, base64url.</summary>
    public static string EncodeCursor(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    private static string? DecodeCursor(string cursor)
    {
        if (cursor.Length > MaxCursorKeyLength * 2 || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        try
        {
            var key = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(cursor));
            return key.Length is > 0 and <= MaxCursorKeyLength && !key.Any(char.IsControl) ? key : null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
