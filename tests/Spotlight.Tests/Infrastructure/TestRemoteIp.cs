using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Spotlight.Tests.Infrastructure;

/// <summary>
/// The test server has no client address; this stands in for the network so a test can speak "from" an IP
/// (header <c>X-Test-Remote-Ip</c>, read before anything else in the pipeline). Test-only: it is not in the product.
/// </summary>
internal sealed class TestRemoteIp : IStartupFilter
{
    public const string Header = "X-Test-Remote-Ip";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (IPAddress.TryParse(context.Request.Headers[Header], out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(context);
        });
        next(app);
    };

    private static int _next;

    /// <summary>A distinct address from the benchmarking range (198.18.0.0/15), so callers do not share per-IP limits by accident.</summary>
    public static string NextAddress()
    {
        var n = Interlocked.Increment(ref _next);
        return $"198.18.{(n >> 8) & 0xFF}.{n & 0xFF}";
    }
}
