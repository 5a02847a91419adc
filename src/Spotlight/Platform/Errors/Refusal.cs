using Microsoft.AspNetCore.Http.HttpResults;

namespace Spotlight.Platform.Errors;

/// <summary>
/// Why a use case was refused, whoever asked: an endpoint answers it as a problem with <c>code</c>
/// (<see cref="ToProblem"/>), a hub method as a hub error <c>"code: detail"</c>, a console page as a message, so every
/// way in behaves alike. The one error type of use cases; handlers return <see cref="Outcome{T}"/>.
/// </summary>
public sealed record Refusal(int Status, string Code, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static Refusal NotFound(string detail) => new(StatusCodes.Status404NotFound, "not_found", detail);

    public static Refusal Forbidden(string code, string detail) => new(StatusCodes.Status403Forbidden, code, detail);

    public static Refusal Conflict(string code, string detail) => new(StatusCodes.Status409Conflict, code, detail);

    /// <summary>One field is wrong: the message is the detail too, so a page showing only the detail says what to fix.</summary>
    public static Refusal Invalid(string field, string message) =>
        new(StatusCodes.Status400BadRequest, "validation_failed", message, new Dictionary<string, string[]> { [field] = [message] });

    public static Refusal Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, "validation_failed", ApiProblem.ValidationSummary, errors);

    public ProblemHttpResult ToProblem() => ApiProblem.Create(Status, Code, Detail,
        Errors is null ? null : new Dictionary<string, object?> { ["errors"] = Errors });

    /// <summary>
    /// A refusal about fields as the validation problem (title "Validation failed", <c>errors</c> per field, with
    /// <paramref name="detail"/>); null for any other refusal. For endpoints that have always answered field errors so.
    /// </summary>
    public ValidationProblem? ToValidationProblem(string detail = ApiProblem.ValidationSummary) =>
        Code == "validation_failed" && Errors is { } errors
            ? ApiProblem.Validation(errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal), detail)
            : null;

    /// <summary>What a person reads (a console page, a command): the fields' messages when it was about fields, else the detail.</summary>
    public string Explain() => Errors is { Count: > 0 } errors ? string.Join(" ", errors.SelectMany(e => e.Value)) : Detail;
}

/// <summary>A result or the refusal that stands in for it.</summary>
public readonly record struct Outcome<T>(T? Value, Refusal? Refusal)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Refusal refusal) => new(default, refusal);
}
