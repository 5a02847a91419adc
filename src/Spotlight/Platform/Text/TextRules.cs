namespace Spotlight.Platform.Text;

/// <summary>What text Spotlight stores, whichever feature takes it (messages, posts, comments): well-formed UTF-16 (no lone surrogates) without control characters other than tab and newlines.</summary>
public static class TextRules
{
    public static bool IsStorable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c) || (char.IsControl(c) && c is not ('\t' or '\n' or '\r')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>1–<paramref name="max"/> printable ASCII characters: what a client-generated id may be.</summary>
    public static bool IsClientId(string? value, int max) =>
        value is { Length: > 0 } && value.Length <= max && value.All(c => c is >= '!' and <= '~');
}
