using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secrets.EncryptionKey, 32, info: "spotlight media urls"u8.ToArray());

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
        if (string.IsNullOrEmpty(signature) || expires < time.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Signature(id, variant, expires));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private string Signature(Guid id, MediaVariant variant, long expires)
    {
        var message = Encoding.ASCII.GetBytes($"{id:N}.{(int)variant}.{expires.ToString(CultureInfo.InvariantCulture)}");
        return Base64Url.EncodeToString(HMACSHA256.HashData(_key, message));
    }
}
