using Microsoft.AspNetCore.Http.HttpResults;
using Spotlight.Platform.Errors;

namespace Spotlight.Messaging;

/// <summary>
/// Why a messaging operation was refused. The same refusal answers a REST call (a problem with <c>code</c>) and a hub
/// invocation (a hub error <c>"code: detail"</c>), so both ways in behave alike.
/// </summary>
public sealed record Refusal(int Status, string Code, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static Refusal NotFound(string detail) => new(StatusCodes.Status404NotFound, "not_found", detail);

    public static Refusal Forbidden(string code, string detail) => new(StatusCodes.Status403Forbidden, code, detail);

    public static Refusal Conflict(string code, string detail) => new(StatusCodes.Status409Conflict, code, detail);

    public static Refusal Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static Refusal Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, "validation_failed", "One or more fields are invalid.", errors);

    public ProblemHttpResult ToProblem() => ApiProblem.Create(Status, Code, Detail,
        Errors is null ? null : new Dictionary<string, object?> { ["errors"] = Errors });
}

/// <summary>A result or the refusal that stands in for it.</summary>
public readonly record struct Outcome<T>(T? Value, Refusal? Refusal)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Refusal refusal) => new(default, refusal);
}

/// <summary>Collects field errors while a request is checked.</summary>
internal sealed class Checks
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Failed => _errors.Count > 0;

    public Checks Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    public Refusal ToRefusal() => Refusal.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}

/// <summary>What text Spotlight stores: well-formed UTF-16 (no lone surrogates) without control characters other than tab and newlines.</summary>
internal static class TextRules
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
