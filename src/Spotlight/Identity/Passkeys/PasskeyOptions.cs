using Fido2NetLib;
using Spotlight.Platform;

namespace Spotlight.Identity.Passkeys;

/// <summary><c>Passkeys:*</c> settings: who the relying party is and which origins may run its ceremonies.</summary>
public sealed class PasskeyOptions
{
    public const string Section = "Passkeys";

    /// <summary>The WebAuthn relying-party id (a host name, no scheme or port). Default: the host of <c>Identity:PublicBaseUrl</c>.</summary>
    public string? RelyingPartyId { get; set; }

    /// <summary>The name authenticators show beside the account.</summary>
    public string RelyingPartyName { get; set; } = "Spotlight";

    /// <summary>Origins (scheme, host, port) whose pages may register or use passkeys. Default: the origin of <c>Identity:PublicBaseUrl</c>.</summary>
    public List<string> Origins { get; set; } = [];

    /// <summary>How long a begun ceremony may be finished.</summary>
    public int CeremonyMinutes { get; set; } = 5;

    public int MaxPerUser { get; set; } = 20;

    /// <summary>Fills the defaults from the public base URL.</summary>
    public static void Fill(PasskeyOptions options, string publicBaseUrl)
    {
        var baseUri = new Uri(publicBaseUrl, UriKind.Absolute);
        options.RelyingPartyId = string.IsNullOrWhiteSpace(options.RelyingPartyId) ? baseUri.Host : options.RelyingPartyId.Trim().ToLowerInvariant();
        if (options.Origins.Count == 0)
        {
            options.Origins.Add(baseUri.GetLeftPart(UriPartial.Authority));
        }
    }

    /// <summary>Settings a browser would refuse anyway, each naming its setting.</summary>
    public static IEnumerable<string> Problems(PasskeyOptions options)
    {
        foreach (var origin in options.Origins)
        {
            // WebAuthn: the RP id must be the origin's host or a registrable suffix of it.
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.AbsolutePath != "/" ||
                !(uri.Host == options.RelyingPartyId || uri.Host.EndsWith("." + options.RelyingPartyId, StringComparison.Ordinal)))
            {
                yield return $"Passkeys:Origins: '{origin}' is not an http(s) origin on Passkeys:RelyingPartyId '{options.RelyingPartyId}'.";
            }
        }

        if (options.CeremonyMinutes is < 1 or > 30 || options.MaxPerUser is < 1 or > 20)
        {
            yield return "Passkeys:CeremonyMinutes must be from 1 to 30 and Passkeys:MaxPerUser from 1 to 20 (the stored options hold that many ids).";
        }
    }

    public Fido2Configuration ToFido2() => new()
    {
        RPID = RelyingPartyId!,
        RPName = RelyingPartyName,
        Origins = Origins.Select(o => o.TrimEnd('/')).ToHashSet(StringComparer.Ordinal),
        Timeout = (uint)TimeSpan.FromMinutes(CeremonyMinutes).TotalMilliseconds,
    };
}
