using System.Globalization;
using Spotlight.Platform.Security;

namespace Spotlight.Content.Media;

/// <summary>Which bytes of a medium a URL names: the file itself or its thumbnail (a video's poster frame).</summary>
public enum MediaVariant
{
    File,
    Thumbnail,
}

/// <summary>
/// Media URLs. A public post's media have plain, cacheable URLs; everything else is signed: <c>?expires=&lt;unix
/// seconds&gt;&amp;sig=&lt;HMAC-SHA256 of id, variant and expiry&gt;</c>, valid <c>Content:Media:SignedUrlMinutes</c> (10). The key is
/// derived from the platform's encryption key, so every node signs and checks alike and no new secret is needed.
/// </summary>
public sealed class MediaUrls(PlatformSecrets secrets, TimeProvider time)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(10);
    private readonly LinkSigner _signer = new(secrets, "spotlight media urls");

    public TimeSpan Lifetime { get; set; } = DefaultLifetime;

    public static string PathOf(Guid id, MediaVariant variant) =>
        $"/api/v1/media/{id}/{(variant == MediaVariant.File ? "file" : "thumbnail")}";

    public string PublicUrl(Guid id, MediaVariant variant) => PathOf(id, variant);

    public string SignedUrl(Guid id, MediaVariant variant)
    {
        var expires = time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds();
        return $"{PathOf(id, variant)}?expires={expires.ToString(CultureInfo.InvariantCulture)}&sig={Signature(id, variant, expires)}";
    }

    /// <summary>True when <paramref name="signature"/> is this server's for the id, variant and expiry, and the expiry has not passed.</summary>
    public bool IsValid(Guid id, MediaVariant variant, long expires, string? signature)
    {
        return expires >= time.GetUtcNow().ToUnixTimeSeconds() && _signer.IsAuthentic(Message(id, variant, expires), signature);
    }

    private string Signature(Guid id, MediaVariant variant, long expires) => _signer.Sign(Message(id, variant, expires));

    private static string Message(Guid id, MediaVariant variant, long expires) => $"{id:N}.{(int)variant}.{expires.ToString(CultureInfo.InvariantCulture)}";
}
