using System.Globalization;
using Spotlight.Platform.Security;

namespace Spotlight.Identity.Account;

/// <summary>
/// Signed download links for export archives: <c>/api/v1/me/exports/{id}/download?expires=&lt;unix&gt;&amp;signature=…</c>, an
/// HMAC-SHA256 over the id and the expiry with a key derived from the platform's encryption key (HKDF, its own label), so a
/// changed id or expiry is refused, and every node signs and checks alike. The link is the credential (it opens in a browser,
/// without the bearer token), so it works once (the archive is claimed by the download) and until its expiry.
/// </summary>
internal sealed class ExportLinks(PlatformSecrets secrets)
{
    private readonly LinkSigner _signer = new(secrets, "spotlight account export links");

    public string UrlFor(Guid exportId, DateTime expiresAt)
    {
        var expires = new DateTimeOffset(expiresAt, TimeSpan.Zero).ToUnixTimeSeconds();
        return $"/api/v1/me/exports/{exportId}/download?expires={expires.ToString(CultureInfo.InvariantCulture)}&signature={Sign(exportId, expires)}";
    }

    /// <summary>Whether the signature is the one this server made for this id and expiry (compared in fixed time).</summary>
    public bool IsAuthentic(Guid exportId, long expires, string? signature) => _signer.IsAuthentic(Message(exportId, expires), signature);

    private string Sign(Guid exportId, long expires) => _signer.Sign(Message(exportId, expires));

    private static string Message(Guid exportId, long expires) => $"{exportId:N}.{expires.ToString(CultureInfo.InvariantCulture)}";
}
