using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Spotlight.Platform.Errors;

/// <summary>Fills in what every problem response carries: <c>code</c>, <c>requestId</c>, <c>type</c>, <c>title</c>.</summary>
internal static class ProblemDetailsDefaults
{
    public static string TypeFor(string code) => "urn:spotlight:problem:" + code;

    public static string CodeFor(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable",
        429 => "rate_limited",
        503 => "service_unavailable",
        504 => "timeout",
        >= 500 => "internal_error",
        _ => "error",
    };

    public static string TitleFor(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        402 => "Payment required",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        408 => "Request timeout",
        409 => "Conflict",
        413 => "Payload too large",
        415 => "Unsupported media type",
        422 => "Unprocessable content",
        429 => "Too many requests",
        503 => "Service unavailable",
        504 => "Timeout",
        >= 500 => "Internal server error",
        _ => "Error",
    };

    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Status = status;
        if (!problem.Extensions.TryGetValue("code", out var code) || code is not string codeText)
        {
            codeText = CodeFor(status);
            problem.Extensions["code"] = codeText;
        }

        if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
        {
            problem.Type = TypeFor(codeText);
        }

        problem.Title ??= TitleFor(status);
        problem.Detail ??= problem.Title;
        problem.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
        problem.Extensions.Remove("traceId");
        problem.Instance = null;
        // A framework 4xx/5xx has already said everything the client needs; never leak exception data.
        problem.Extensions.Remove("exception");
        if (context.HttpContext.Features.Get<IHttpResponseFeature>() is { } response && !response.HasStarted)
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
        }
    }

    public static Task WriteAsync(HttpContext context, int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = TitleFor(status), Detail = detail, Type = TypeFor(code) };
        problem.Extensions["code"] = code;
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }

        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }
}
