using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

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

    public static void AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var proxies = (section.GetSection("KnownProxies").Get<string[]>() ?? []).Select(value => IPAddress.TryParse(value, out var address)
            ? address
            : throw new StartupRefusedException($"{Section}:KnownProxies: '{value}' is not an IP address.")).ToList();
        var networks = (section.GetSection("KnownNetworks").Get<string[]>() ?? []).Select(value => System.Net.IPNetwork.TryParse(value, out var network)
            ? network
            : throw new StartupRefusedException($"{Section}:KnownNetworks: '{value}' is not a network in CIDR form (10.0.0.0/8).")).ToList();
        var limit = section.GetValue("ForwardLimit", 1);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = limit;
            proxies.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
    }
}
