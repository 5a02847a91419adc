using Spotlight.Platform.Errors;

namespace Spotlight.Matching;

/// <summary>
/// What a user asks of a partner. The rule (docs/matching.md): languages must share at least one code when both sides
/// give some; regions must be equal when both sides give one; a side that gives none accepts anyone on that count.
/// Codes are compared case-insensitively (stored lower case for languages, upper case for regions).
/// </summary>
internal sealed record MatchFilters(IReadOnlyList<string> Languages, string? Region)
{
    public const int MaxLanguages = 10;
    public const int MaxLanguageLength = 16;
    public const int MaxRegionLength = 16;
    public const int MaxStoredLanguagesLength = MaxLanguages * (MaxLanguageLength + 1);

    public static readonly MatchFilters Any = new([], null);

    /// <summary>Checks and normalizes a request's filters: BCP 47-like codes (letters, digits, <c>-</c>), at most 10 languages.</summary>
    public static Outcome<MatchFilters> From(IReadOnlyList<string?>? languages, string? region)
    {
        var errors = new Dictionary<string, string[]>();
        var codes = new List<string>();
        if (languages is { Count: > MaxLanguages })
        {
            errors["languages"] = [$"At most {MaxLanguages} languages."];
        }
        else if (languages is not null)
        {
            foreach (var language in languages)
            {
                if (!IsCode(language, MaxLanguageLength))
                {
                    errors["languages"] = [$"Each language is a code of 1 to {MaxLanguageLength} letters, digits or '-' (e.g. en, pt-BR)."];
                    break;
                }

                var code = language!.Trim().ToLowerInvariant();
                if (!codes.Contains(code, StringComparer.Ordinal))
                {
                    codes.Add(code);
                }
            }
        }

        if (region is not null && !IsCode(region, MaxRegionLength))
        {
            errors["region"] = [$"A region is a code of 1 to {MaxRegionLength} letters, digits or '-' (e.g. FR, us-west)."];
        }

        return errors.Count > 0 ? Refusal.Invalid(errors) : new MatchFilters(codes, region?.Trim().ToUpperInvariant());
    }

    public static MatchFilters FromStored(string? languages, string? region) =>
        new(string.IsNullOrEmpty(languages) ? [] : languages.Split(','), region);

    /// <summary>Comma-separated, or null for none.</summary>
    public string? StoredLanguages => Languages.Count == 0 ? null : string.Join(',', Languages);

    public bool Accepts(MatchFilters other) =>
        (Languages.Count == 0 || other.Languages.Count == 0 || Languages.Intersect(other.Languages, StringComparer.Ordinal).Any())
        && (Region is null || other.Region is null || string.Equals(Region, other.Region, StringComparison.Ordinal));

    private static bool IsCode(string? value, int maxLength) =>
        value?.Trim() is { Length: > 0 } trimmed && trimmed.Length <= maxLength && trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
