using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Spotlight.Platform.Security;

/// <summary>
/// Encrypts the Data Protection key ring at rest (files in <c>{data}/keys</c>, or rows on PostgreSQL) with
/// <c>Secrets:EncryptionKey</c>, so that a copied data directory or database dump does not hand over the keys that
/// protect admin cookies and antiforgery tokens.
/// </summary>
internal sealed class KeyRingEncryptor(SecretProtector protector) : IXmlEncryptor
{
    internal const string Purpose = "data-protection-key-ring";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(new XElement("encryptedKey",
                new XComment(" AES-256-GCM under Secrets:EncryptionKey "),
                new XElement("value", protector.Protect(plaintextElement.ToString(SaveOptions.DisableFormatting), Purpose))),
            typeof(KeyRingDecryptor));
}

/// <summary>Created by Data Protection from the type name stored beside each encrypted key.</summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var value = encryptedElement.Element("value")?.Value ?? throw new InvalidOperationException("The encrypted key has no value.");
        return XElement.Parse(services.GetRequiredService<SecretProtector>().Unprotect(value, KeyRingEncryptor.Purpose));
    }
}
