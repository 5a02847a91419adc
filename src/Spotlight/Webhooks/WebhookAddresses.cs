using System.Net;
using System.Net.Sockets;
using Spotlight.Platform.Security;

namespace Spotlight.Webhooks;

/// <summary>
/// The SSRF guard: which addresses a webhook may reach. Platform's <see cref="NonPublicAddresses"/> are refused unless
/// <see cref="WebhookOptions.AllowPrivateNetworks"/> is on.
/// </summary>
internal static class WebhookAddresses
{
    /// <summary>True when a webhook must not connect to <paramref name="address"/>.</summary>
    public static bool IsRefused(IPAddress address) => NonPublicAddresses.Contains(address);

    /// <summary>The host's addresses: itself when it is an address, else what DNS answers (empty when it does not resolve).</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(bare, out var literal))
        {
            return [literal];
        }

        try
        {
            return await Dns.GetHostAddressesAsync(bare, cancellationToken);
        }
        catch (SocketException)
        {
            return [];
        }
    }
}

/// <summary>Thrown by the connect callback when the address a delivery would connect to is refused.</summary>
internal sealed class RefusedAddressException(string message) : HttpRequestException(message);
