using System.Security.Cryptography;
using System.Text;

namespace Spotlight.Platform.Security;

/// <summary>
/// Encrypts secrets kept in the database (TOTP keys, integration API keys) with AES-256-GCM under
/// <see cref="PlatformSecrets.EncryptionKey"/>. The stored form is <c>v1:</c> + base64(nonce | tag | ciphertext); the
/// purpose is bound as associated data, so a value copied into another column does not decrypt.
/// </summary>
public sealed class SecretProtector(PlatformSecrets secrets)
{
    private const string Prefix = "v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key = secrets.EncryptionKey.AsSpan(0, 32).ToArray();

    public string Protect(string plaintext, string purpose)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + TagSize + data.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(purpose));
        return Prefix + Convert.ToBase64String(output);
    }

    /// <summary>Decrypts; throws <see cref="CryptographicException"/> when the value was not made by this key for this purpose.</summary>
    public string Unprotect(string stored, string purpose)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("The stored secret is not in a known format.");
        }

        var input = Convert.FromBase64String(stored[Prefix.Length..]);
        if (input.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The stored secret is truncated.");
        }

        var plaintext = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(purpose));
        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>How a secret is shown back: only its last four characters (API.md: <c>"••••••••abcd"</c>).</summary>
    public static string Mask(string? secret) =>
        string.IsNullOrEmpty(secret) ? "" : "••••••••" + (secret.Length > 4 ? secret[^4..] : "");
}
