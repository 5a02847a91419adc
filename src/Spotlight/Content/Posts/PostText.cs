using System.Text.RegularExpressions;

namespace Spotlight.Content.Posts;

/// <summary>What a post's or comment's text carries besides words: <c>#hashtags</c> (stored lower-cased, for hashtag pages) and <c>@handles</c> (mentions).</summary>
internal static partial class PostText
{
    public const int MaxTagLength = 100;

    /// <summary>Well-formed text without control characters other than tab and newlines (PostgreSQL refuses NUL, and so do we everywhere).</summary>
    public static bool IsStorable(string text) => Platform.Text.TextRules.IsStorable(text);

    /// <summary>Distinct lower-cased tags without the <c>#</c>: letters, digits and underscores, not glued to a preceding word.</summary>
    public static IReadOnlyList<string> Hashtags(string? text) => string.IsNullOrEmpty(text) ? []
        : HashtagPattern().Matches(text).Select(m => m.Groups[1].Value.ToLowerInvariant()).Where(t => t.Length <= MaxTagLength).Distinct().ToList();

    /// <summary>Distinct lower-cased handles mentioned with <c>@</c> (a handle's own rules: 3–30 of <c>[a-z0-9_]</c>), not e-mail addresses.</summary>
    public static IReadOnlyList<string> Mentions(string? text) => string.IsNullOrEmpty(text) ? []
        : MentionPattern().Matches(text).Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct().ToList();

    /// <summary>A hashtag page's tag as a client may spell it (<c>Cats</c>, <c>#cats</c>), as stored; null when it cannot be one.</summary>
    public static string? NormalizeTag(string tag)
    {
        var trimmed = tag.Trim().TrimStart('#').ToLowerInvariant();
        return trimmed.Length is > 0 and <= MaxTagLength && TagPattern().IsMatch(trimmed) ? trimmed : null;
    }

    [GeneratedRegex(@"(?<![\p{L}\p{N}_#&])#([\p{L}\p{N}_]+)", RegexOptions.CultureInvariant)]
    private static partial Regex HashtagPattern();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_@.])@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_])", RegexOptions.CultureInvariant)]
    private static partial Regex MentionPattern();

    [GeneratedRegex(@"^[\p{L}\p{N}_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
