using System.Net;
using System.Net.Sockets;

namespace Spotlight.Platform.Security;

/// <summary>
/// Addresses that are not on the public internet: loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with
/// the cloud metadata address, fe80::/10), unspecified, CGNAT (100.64/10), documentation and benchmarking ranges,
/// multicast, broadcast and reserved. IPv4 inside IPv6 (mapped, compatible, NAT64, 6to4) is judged as the IPv4 address
/// it carries. Used wherever a URL someone gives must not point into a private network (webhooks, avatars).
/// </summary>
public static class NonPublicAddresses
{
    private static readonly (IPAddress Network, int Bits)[] RefusedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8), (IPAddress.Parse("10.0.0.0"), 8), (IPAddress.Parse("100.64.0.0"), 10), (IPAddress.Parse("127.0.0.0"), 8),
        (IPAddress.Parse("169.254.0.0"), 16), (IPAddress.Parse("172.16.0.0"), 12), (IPAddress.Parse("192.0.0.0"), 24), (IPAddress.Parse("192.0.2.0"), 24),
        (IPAddress.Parse("192.168.0.0"), 16), (IPAddress.Parse("198.18.0.0"), 15), (IPAddress.Parse("198.51.100.0"), 24), (IPAddress.Parse("203.0.113.0"), 24),
        (IPAddress.Parse("224.0.0.0"), 4), (IPAddress.Parse("240.0.0.0"), 4),
    ];

    private static readonly (IPAddress Network, int Bits)[] RefusedV6 =
    [
        (IPAddress.Parse("fc00::"), 7), (IPAddress.Parse("fe80::"), 10), (IPAddress.Parse("fec0::"), 10), (IPAddress.Parse("ff00::"), 8),
        (IPAddress.Parse("2001:db8::"), 32), (IPAddress.Parse("100::"), 64),
    ];

    private static readonly IPAddress Nat64 = IPAddress.Parse("64:ff9b::");

    /// <summary>True when <paramref name="address"/> is not a public internet address.</summary>
    public static bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return RefusedV4.Any(r => InNetwork(address, r.Network, r.Bits));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return true;
        }

        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback) || RefusedV6.Any(r => InNetwork(address, r.Network, r.Bits)))
        {
            return true;
        }

        var bytes = address.GetAddressBytes();
        if (InNetwork(address, Nat64, 96) || bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            return Contains(new IPAddress(bytes.AsSpan(12, 4))); // NAT64 or IPv4-compatible ::a.b.c.d
        }

        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return Contains(new IPAddress(bytes.AsSpan(2, 4))); // 6to4 2002:a.b.c.d::/48
        }

        return false;
    }

    private static bool InNetwork(IPAddress address, IPAddress network, int bits)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var whole = bits / 8;
        if (!a.AsSpan(0, whole).SequenceEqual(n.AsSpan(0, whole)))
        {
            return false;
        }

        var rest = bits % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[whole] & mask) == (n[whole] & mask);
    }
}
