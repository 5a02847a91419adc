using System.Security.Cryptography;
using System.Text;
using Spotlight.Platform.Security;

namespace Spotlight.Webhooks;

/// <summary>
/// Endpoint secrets (<c>whsec_</c> + base64 of 32 random bytes), kept encrypted at rest, and the Standard Webhooks
/// signature: <c>v1,</c> + base64(HMAC-SHA256(secret bytes, "&lt;id&gt;.&lt;timestamp&gt;.&lt;body&gt;")), where the secret
/// bytes are the base64-decoded part after <c>whsec_</c>.
/// </summary>
internal sealed class WebhookSecrets(SecretProtector protector)
{
    public const string Prefix = "whsec_";
    private const string Purpose = "webhooks.endpoint-secret";

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Protect(string secret) => protector.Protect(secret, Purpose);

    public string Unprotect(string stored) => protector.Unprotect(stored, Purpose);

    /// <summary>
    /// One <c>v1,</c> signature per secret, space-separated: the current secret's, then during a rotation's overlap the
    /// previous one's and the current one's again. The repeat is for receivers on the StandardWebhooks .NET package
    /// (1.1.2), whose <c>Verify</c> never checks the last entry of a list of several; verifiers that follow the
    /// specification check every entry, so the duplicate costs them nothing.
    /// </summary>
    public static string Sign(IReadOnlyList<string> secrets, string messageId, long timestamp, string body)
    {
        var signatures = secrets.Select(s => "v1," + Signature(s, messageId, timestamp, body)).ToList();
        if (signatures.Count > 1)
        {
            signatures.Add(signatures[0]);
        }

        return string.Join(' ', signatures);
    }

    public static string Signature(string secret, string messageId, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}")));
    }
}
