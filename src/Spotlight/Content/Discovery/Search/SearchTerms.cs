using System.Text;

namespace Spotlight.Content.Discovery.Search;

/// <summary>
/// The words of a text query as both engines index them: runs of letters and digits, lower-cased; everything else
/// separates (PostgreSQL's column turns punctuation into spaces first, SQLite's unicode61 tokenizer splits on it), so a
/// term can never carry query syntax into <c>to_tsquery</c> or FTS5's <c>MATCH</c>. Each term matches as a prefix and
/// all must match: search as you type.
/// </summary>
public static class SearchTerms
{
    public const int MaxTerms = 8;

    public static IReadOnlyList<string> From(string text)
    {
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in (text + " ").EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                word.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else if (word.Length > 0)
            {
                var term = word.ToString();
                word.Clear();
                if (!terms.Contains(term, StringComparer.Ordinal))
                {
                    terms.Add(term);
                }
            }
        }

        return terms.Take(MaxTerms).ToList();
    }
}
