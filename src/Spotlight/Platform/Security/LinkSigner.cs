using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Spotlight.Platform.Security;

/// <summary>
/// Signs what a link names (an id, an expiry) so the link itself can be the credential: HMAC-SHA256, base64url, with a key
/// derived (HKDF) from the platform's encryption key under a label of the caller's, so every node signs and checks alike,
/// no new secret is needed, and one kind of link cannot stand for another.
/// </summary>
public sealed class LinkSigner(PlatformSecrets secrets, string label)
{
    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secrets.EncryptionKey, 32, info: Encoding.ASCII.GetBytes(label));

    public string Sign(string message) => Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(message)));

    /// <summary>Whether <paramref name="signature"/> is this server's for <paramref name="message"/> (compared in fixed time).</summary>
    public bool IsAuthentic(string message, string? signature) =>
        !string.IsNullOrEmpty(signature) && signature.Length <= 64
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(message)), Encoding.ASCII.GetBytes(signature));
}
