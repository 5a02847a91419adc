using System.Collections;
using System.Diagnostics;

namespace Spotlight.Platform.Observability;

/// <summary>
/// Gives every request an id (the caller's <c>X-Request-Id</c> when it is 1–128 of <c>[A-Za-z0-9._-]</c>),
/// echoes it on the response, and opens a log scope so every log line of the request carries it.
/// Also writes one access-log line per request (method, path without query, status, time).
/// </summary>
internal sealed partial class RequestIdMiddleware(RequestDelegate next, ILoggerFactory loggers)
{
    public const string HeaderName = "X-Request-Id";
    private readonly ILogger _log = loggers.CreateLogger("Spotlight.Access");

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = IsAcceptable(context.Request.Headers[HeaderName]) ? context.Request.Headers[HeaderName].ToString() : NewId();
        context.TraceIdentifier = requestId;
        Activity.Current?.SetTag(SpotlightTracing.RequestIdTag, requestId); // the request's span, when tracing is on
        // Set as the response starts, not now: the exception handler clears headers before it writes a 500.
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            http.Response.Headers[HeaderName] = http.TraceIdentifier;
            return Task.CompletedTask;
        }, context);
        var started = Stopwatch.GetTimestamp();
        using (_log.BeginScope(new RequestScope(requestId)))
        {
            try
            {
                await next(context);
            }
            finally
            {
                if (_log.IsEnabled(LogLevel.Information))
                {
                    // The query string is left out on purpose: it can hold tokens (SignalR's access_token).
                    LogRequest(_log, context.Request.Method, context.Request.Path.Value, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Path} {StatusCode} {ElapsedMs:0.0}ms")]
    private static partial void LogRequest(ILogger logger, string method, string? path, int statusCode, double elapsedMs);

    internal static bool IsAcceptable(Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count != 1)
        {
            return false;
        }

        var value = values[0];
        if (string.IsNullOrEmpty(value) || value.Length > 128)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>A log scope that the JSON formatter prints as <c>{"RequestId": "..."}</c> without a dictionary per request.</summary>
    private sealed class RequestScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => index == 0 ? new("RequestId", requestId) : throw new ArgumentOutOfRangeException(nameof(index));

        public int Count => 1;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "RequestId:" + requestId;
    }
}
