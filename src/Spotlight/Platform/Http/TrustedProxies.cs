using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Spotlight.Platform.Http;

/// <summary>
/// Behind a load balancer or reverse proxy the connection's address is the proxy's: per-IP rate limits, session IPs and
/// the audit log would all see one caller. <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are honoured, but only
/// from the proxies listed in <c>ForwardedHeaders:KnownProxies</c> (addresses) and <c>ForwardedHeaders:KnownNetworks</c>
/// (CIDR), plus loopback (a proxy on the same host); from anyone else they are ignored, so a client cannot choose its
/// own address. <c>ForwardedHeaders:ForwardLimit</c> (default 1) is how many proxies deep to look.
/// </summary>
internal static class TrustedProxies
{
    public const string Section = "ForwardedHeaders";

    public static void AddTrustedProxies(this IServiceCollection services)
    {
        services.AddSettings<TrustedProxyOptions>(Section).ValidateWith(TrustedProxyOptions.Problems);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((o, settings) =>
        {
            var trusted = settings.Value;
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = trusted.ForwardLimit;
            foreach (var proxy in trusted.KnownProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in trusted.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
    }
}

/// <summary><c>ForwardedHeaders:*</c>: the proxies whose <c>X-Forwarded-*</c> headers are believed (see <see cref="TrustedProxies"/>).</summary>
internal sealed class TrustedProxyOptions
{
    public string[] KnownProxies { get; set; } = [];

    public string[] KnownNetworks { get; set; } = [];

    public int ForwardLimit { get; set; } = 1;

    public static IEnumerable<string> Problems(TrustedProxyOptions options) =>
        options.KnownProxies.Where(value => !IPAddress.TryParse(value, out _))
            .Select(value => $"{TrustedProxies.Section}:KnownProxies: '{value}' is not an IP address.")
            .Concat(options.KnownNetworks.Where(value => !System.Net.IPNetwork.TryParse(value, out _))
                .Select(value => $"{TrustedProxies.Section}:KnownNetworks: '{value}' is not a network in CIDR form (10.0.0.0/8)."));
}
