using Microsoft.AspNetCore.Http.HttpResults;

namespace Spotlight.Platform.Errors;

/// <summary>Problem details with Spotlight's stable <c>code</c>; <c>requestId</c> and <c>type</c> are added by <see cref="ProblemDetailsDefaults"/>.</summary>
public static class ApiProblem
{
    /// <summary>The detail of a validation problem about several fields.</summary>
    public const string ValidationSummary = "One or more fields are invalid.";

    public static ProblemHttpResult Create(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = code };
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                all[key] = value;
            }
        }

        return TypedResults.Problem(detail: detail, statusCode: status, title: ProblemDetailsDefaults.TitleFor(status), type: ProblemDetailsDefaults.TypeFor(code), extensions: all);
    }

    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string detail = ValidationSummary) =>
        TypedResults.ValidationProblem(errors, detail: detail, title: "Validation failed", type: ProblemDetailsDefaults.TypeFor("validation_failed"),
            extensions: new Dictionary<string, object?> { ["code"] = "validation_failed" });

    public static ValidationProblem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string detail = "The resource does not exist.") => Create(StatusCodes.Status404NotFound, "not_found", detail);

    public static ProblemHttpResult Conflict(string code, string detail) => Create(StatusCodes.Status409Conflict, code, detail);

    public static ProblemHttpResult Forbidden(string code, string detail) => Create(StatusCodes.Status403Forbidden, code, detail);

    public static ProblemHttpResult Unauthorized(string code, string detail) => Create(StatusCodes.Status401Unauthorized, code, detail);
}
