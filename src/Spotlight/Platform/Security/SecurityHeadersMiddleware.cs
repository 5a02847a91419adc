namespace Spotlight.Platform.Security;

/// <summary>Headers every response carries. The API serves JSON only, so its CSP forbids everything; the docs UI needs its scripts.</summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";
    private const string DocsPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        // As the response starts, so that responses written after the exception handler cleared the headers carry them too.
        context.Response.OnStarting(static state =>
        {
            Apply((HttpContext)state);
            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        var path = context.Request.Path;
        if (path.StartsWithSegments("/docs") || path.StartsWithSegments("/admin"))
        {
            if (path.StartsWithSegments("/docs"))
            {
                headers.ContentSecurityPolicy = DocsPolicy;
            }
        }
        else if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
        {
            // An endpoint may have set a stricter policy of its own (served media add `sandbox`).
            headers.ContentSecurityPolicy = ApiPolicy;
        }
    }
}
