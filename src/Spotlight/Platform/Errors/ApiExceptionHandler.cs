using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spotlight.Platform.Observability;

namespace Spotlight.Platform.Errors;

/// <summary>
/// Turns every exception into problem details. Client mistakes the framework throws (bad JSON, wrong media type,
/// body too large) keep their 4xx; a database that is briefly gone is a 503 with Retry-After; everything else
/// is logged with its stack trace and answered with a generic 500.
/// </summary>
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger, PlatformMetrics metrics) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException bad)
        {
            var (status, code, detail, extensions) = Describe(bad);
            await ProblemDetailsDefaults.WriteAsync(context, status, code, detail, extensions);
            return true;
        }

        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            context.Response.StatusCode = 499;
            return true;
        }

        if (IsTransientDatabaseFailure(exception))
        {
            logger.LogWarning(exception, "Database unavailable; answering 503");
            context.Response.Headers.RetryAfter = "5";
            await ProblemDetailsDefaults.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "service_unavailable",
                "The service is briefly unavailable. Retry after the number of seconds in Retry-After.");
            return true;
        }

        metrics.UnhandledErrors.Add(1);
        logger.LogError(exception, "Unhandled exception for {Method} {Path}", context.Request.Method, context.Request.Path.Value);
        await ProblemDetailsDefaults.WriteAsync(context, StatusCodes.Status500InternalServerError, "internal_error",
            "An unexpected error occurred. Quote the requestId when you report it.");
        return true;
    }

    private static (int Status, string Code, string Detail, IDictionary<string, object?>? Extensions) Describe(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            var field = (json.Path ?? "$").TrimStart('$').TrimStart('.');
            if (json.Message.Contains("could not be mapped", StringComparison.Ordinal))
            {
                // The path points at the object holding the unknown member; the member's name is quoted in the message.
                var name = ExtractQuoted(json.Message) ?? field;
                var errors = new Dictionary<string, string[]> { [name] = ["This field is not accepted."] };
                return (400, "unknown_field", $"The field '{name}' is not accepted by this endpoint.", new Dictionary<string, object?> { ["errors"] = errors });
            }

            if (string.IsNullOrEmpty(field))
            {
                return (400, "malformed_json", "The request body is not valid JSON for this endpoint.", null);
            }

            // A value of the wrong JSON type (a string where coins are counted): named, so the client knows what to fix.
            const string expected = "This value has the wrong JSON type for this field (coins and counts are JSON integers, not strings).";
            return (400, "malformed_json", $"The request body is not valid JSON for this endpoint (at '{field}').",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [expected] } });
        }

        return bad.StatusCode switch
        {
            413 => (413, "payload_too_large", "The request body is larger than this endpoint accepts.", null),
            415 => (415, "unsupported_media_type", "Send the body as application/json.", null),
            // "Implicit body inferred for parameter ... but no body was provided" / "... was not provided from body".
            _ when bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase) && bad.Message.Contains("provided", StringComparison.OrdinalIgnoreCase) =>
                (400, "body_required", "This endpoint needs a JSON request body.", null),
            _ => (bad.StatusCode, ProblemDetailsDefaults.CodeFor(bad.StatusCode), "The request could not be understood: a parameter is missing or has the wrong format.", null),
        };
    }

    private static string? ExtractQuoted(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var end = message.IndexOf('\'', start + 1);
        return end > start ? message[(start + 1)..end] : null;
    }

    internal static bool IsTransientDatabaseFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case NpgsqlException npgsql when npgsql.IsTransient:
                case SqliteException { SqliteErrorCode: 5 or 6 }: // SQLITE_BUSY, SQLITE_LOCKED
                case TimeoutException:
                case Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException:
                    return true;
                case DbException db when db.IsTransient:
                    return true;
                case DbUpdateException:
                    continue;
            }
        }

        return false;
    }
}
