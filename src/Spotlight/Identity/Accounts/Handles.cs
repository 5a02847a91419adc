using System.Globalization;
using System.Net.Mail;
using System.Text;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Accounts;

/// <summary>Rules for handles and emails, checked at the edge.</summary>
public static class AccountRules
{
    public const int EmailMaxLength = 254;

    /// <summary>Handles nobody may take: they read as the platform speaking.</summary>
    public static readonly HashSet<string> ReservedHandles = new(StringComparer.Ordinal)
    {
        "admin", "administrator", "api", "support", "help", "root", "system", "spotlight", "staff", "moderator", "mod",
        "official", "security", "billing", "payments", "wallet", "me", "null", "undefined", "www", "mail", "abuse", "noreply",
    };

    public static string NormalizeHandle(string? handle) => (handle ?? "").Trim().ToLowerInvariant();

    /// <summary>
    /// The address as stored and shown: trimmed, with compatibility forms that NFKC makes ASCII (full-width letters,
    /// ligatures) replaced. The server runs in invariant globalization mode, where <see cref="string.Normalize()"/> leaves
    /// non-ASCII text alone, so the mapping comes from a table generated from Unicode's data (tools/email-letters).
    /// </summary>
    public static string CanonicalEmail(string? email)
    {
        var trimmed = (email ?? "").Trim();
        if (Ascii.IsValid(trimmed))
        {
            return trimmed;
        }

        var canonical = new StringBuilder(trimmed.Length);
        foreach (var c in trimmed)
        {
            canonical.Append(Letters.Value.TryGetValue(c, out var mapped) && mapped.Nfkc.Length > 0 ? mapped.Nfkc : c);
        }

        return canonical.ToString();
    }

    /// <summary>
    /// The key accounts are unique and looked up by: the canonical address with every letter folded to the ASCII letter it
    /// shows as (accents and other marks dropped, look-alikes such as <c>ı</c>, <c>ø</c>, Cyrillic <c>о</c> replaced),
    /// upper-cased. Plain ASCII addresses keep the key they always had.
    /// </summary>
    public static string NormalizeEmail(string? email)
    {
        var canonical = CanonicalEmail(email);
        if (Ascii.IsValid(canonical))
        {
            return canonical.ToUpperInvariant();
        }

        var folded = new StringBuilder(canonical.Length);
        foreach (var c in canonical)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark)
            {
                continue;
            }

            folded.Append(Letters.Value.TryGetValue(c, out var mapped) ? mapped.Fold : Confusables.TryGetValue(c, out var plain) ? plain : c);
        }

        return folded.ToString().ToUpperInvariant();
    }

    private static readonly Lazy<Dictionary<char, (string Nfkc, string Fold)>> Letters = new(() =>
    {
        using var stream = typeof(AccountRules).Assembly.GetManifestResourceStream("Spotlight.Identity.email-letters.txt")
            ?? throw new InvalidOperationException("The email-letters table is not embedded.");
        using var reader = new StreamReader(stream);
        var table = new Dictionary<char, (string, string)>();
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#') || line.Split('\t') is not [var code, var nfkc, var fold])
            {
                continue;
            }

            table[(char)int.Parse(code, NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = (nfkc, fold);
        }

        return table;
    });

    /// <summary>Letters that render like an ASCII letter and that no decomposition takes apart (from Unicode's confusables list).</summary>
    private static readonly Dictionary<char, string> Confusables = new()
    {
        // Latin
        ['ı'] = "i", ['ɩ'] = "i", ['ø'] = "o", ['Ø'] = "O", ['ɵ'] = "o", ['ł'] = "l", ['Ł'] = "L", ['ƚ'] = "l", ['đ'] = "d", ['Đ'] = "D",
        ['ħ'] = "h", ['Ħ'] = "H", ['ß'] = "ss", ['æ'] = "ae", ['Æ'] = "AE", ['œ'] = "oe", ['Œ'] = "OE", ['ŧ'] = "t", ['ɡ'] = "g",
        ['ɑ'] = "a", ['ʏ'] = "y", ['ɪ'] = "i", ['ʀ'] = "r", ['ɴ'] = "n", ['ᴏ'] = "o", ['ᴄ'] = "c", ['ᴜ'] = "u", ['ᴠ'] = "v", ['ᴡ'] = "w", ['ᴢ'] = "z",
        // Cyrillic
        ['а'] = "a", ['в'] = "b", ['е'] = "e", ['ё'] = "e", ['к'] = "k", ['м'] = "m", ['н'] = "h", ['о'] = "o", ['р'] = "p", ['с'] = "c",
        ['т'] = "t", ['у'] = "y", ['х'] = "x", ['ѕ'] = "s", ['і'] = "i", ['ї'] = "i", ['ј'] = "j", ['һ'] = "h", ['ԁ'] = "d", ['ԛ'] = "q",
        ['ԝ'] = "w", ['ӏ'] = "l", ['ь'] = "b", ['А'] = "A", ['В'] = "B", ['Е'] = "E", ['К'] = "K", ['М'] = "M", ['Н'] = "H", ['О'] = "O",
        ['Р'] = "P", ['С'] = "C", ['Т'] = "T", ['У'] = "Y", ['Х'] = "X", ['Ѕ'] = "S", ['І'] = "I", ['Ј'] = "J", ['Ԛ'] = "Q", ['Ԝ'] = "W",
        // Greek
        ['α'] = "a", ['β'] = "b", ['ε'] = "e", ['ι'] = "i", ['κ'] = "k", ['ν'] = "v", ['ο'] = "o", ['ρ'] = "p", ['τ'] = "t", ['υ'] = "u",
        ['χ'] = "x", ['γ'] = "y", ['Α'] = "A", ['Β'] = "B", ['Ε'] = "E", ['Ζ'] = "Z", ['Η'] = "H", ['Ι'] = "I", ['Κ'] = "K", ['Μ'] = "M",
        ['Ν'] = "N", ['Ο'] = "O", ['Ρ'] = "P", ['Τ'] = "T", ['Υ'] = "Y", ['Χ'] = "X",
    };

    /// <summary>Characters with no business in an address: they only serve markup, quoting tricks or display spoofing.</summary>
    private static bool IsForbiddenInEmail(char c) =>
        c is '"' or '<' or '>' or '(' or ')' or '[' or ']' or '\\' or ',' or ';' or ':' or '`' || char.IsWhiteSpace(c) || char.IsControl(c) ||
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    public static void CheckHandle(FieldErrors errors, string field, string handle)
    {
        if (handle.Length is < 3 or > 30)
        {
            errors.Add(field, "Use 3 to 30 characters.");
        }

        foreach (var c in handle)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_'))
            {
                errors.Add(field, "Use only lowercase letters, digits and underscores.");
                break;
            }
        }

        if (ReservedHandles.Contains(handle))
        {
            errors.Add(field, "This handle is reserved.");
        }
    }

    public static void CheckEmail(FieldErrors errors, string field, string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            errors.Add(field, "This field is required.");
            return;
        }

        var trimmed = CanonicalEmail(email);
        if (trimmed.Any(IsForbiddenInEmail))
        {
            errors.Add(field, "Enter a plain email address: no quotes, brackets, spaces or control characters.");
            return;
        }

        if (trimmed.Length > EmailMaxLength || !MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed || !trimmed.Contains('.', StringComparison.Ordinal))
        {
            errors.Add(field, "Enter a valid email address.");
        }
    }
}
