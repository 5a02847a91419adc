using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spotlight.Tests.Infrastructure;

/// <summary>
/// A WebAuthn authenticator in software: one P-256 key, "none" attestation, user presence and verification set. It
/// answers the options the server sent the way a browser and a platform authenticator would, producing the
/// PublicKeyCredential JSON (toJSON() form) a client posts back, so ceremonies can be tested without a browser.
/// </summary>
public sealed class SoftwareAuthenticator : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public SoftwareAuthenticator(string origin = "http://localhost:5080", int credentialIdLength = 32)
    {
        Origin = origin;
        CredentialId = RandomNumberGenerator.GetBytes(credentialIdLength);
    }

    /// <summary>Where the "page" runs: what the browser would write into clientDataJSON.</summary>
    public string Origin { get; set; }

    public byte[] CredentialId { get; }

    public byte[]? UserHandle { get; private set; }

    /// <summary>The signature counter; each assertion adds one before signing (set it to replay an old value, as a clone would).</summary>
    public uint SignCount { get; set; }

    /// <summary>The RP id to hash into authenticator data; null: the one the options named.</summary>
    public string? RelyingPartyIdOverride { get; set; }

    /// <summary>navigator.credentials.create(): the attestation for creation options (the <c>options</c> of a begin response).</summary>
    public JsonObject Create(JsonElement options)
    {
        var rpId = RelyingPartyIdOverride ?? options.GetProperty("rp").GetProperty("id").GetString()!;
        UserHandle = Base64Url(options.GetProperty("user").GetProperty("id").GetString()!);
        var clientData = ClientData("webauthn.create", options.GetProperty("challenge").GetString()!);

        var cose = new CborWriter(CborConformanceMode.Ctap2Canonical);
        var parameters = _key.ExportParameters(false);
        cose.WriteStartMap(5);
        cose.WriteInt32(1); cose.WriteInt32(2);    // kty: EC2
        cose.WriteInt32(3); cose.WriteInt32(-7);   // alg: ES256
        cose.WriteInt32(-1); cose.WriteInt32(1);   // crv: P-256
        cose.WriteInt32(-2); cose.WriteByteString(parameters.Q.X!);
        cose.WriteInt32(-3); cose.WriteByteString(parameters.Q.Y!);
        cose.WriteEndMap();

        var attested = new List<byte>();
        attested.AddRange(new byte[16]); // AAGUID: none
        attested.AddRange(BigEndian((ushort)CredentialId.Length));
        attested.AddRange(CredentialId);
        attested.AddRange(cose.Encode());
        var authenticatorData = AuthenticatorData(rpId, 0x45, attested.ToArray()); // UP, UV, AT

        var attestation = new CborWriter(CborConformanceMode.Ctap2Canonical);
        attestation.WriteStartMap(3);
        attestation.WriteTextString("fmt"); attestation.WriteTextString("none");
        attestation.WriteTextString("attStmt"); attestation.WriteStartMap(0); attestation.WriteEndMap();
        attestation.WriteTextString("authData"); attestation.WriteByteString(authenticatorData);
        attestation.WriteEndMap();

        return new JsonObject
        {
            ["id"] = Base64Url(CredentialId),
            ["rawId"] = Base64Url(CredentialId),
            ["type"] = "public-key",
            ["authenticatorAttachment"] = "platform",
            ["response"] = new JsonObject
            {
                ["clientDataJSON"] = Base64Url(clientData),
                ["attestationObject"] = Base64Url(attestation.Encode()),
                ["transports"] = new JsonArray("internal"),
            },
            ["clientExtensionResults"] = new JsonObject(),
        };
    }

    /// <summary>navigator.credentials.get(): an assertion for request options, signed with the key.</summary>
    public JsonObject Get(JsonElement options)
    {
        var rpId = RelyingPartyIdOverride ?? options.GetProperty("rpId").GetString()!;
        var clientData = ClientData("webauthn.get", options.GetProperty("challenge").GetString()!);
        SignCount++;
        var authenticatorData = AuthenticatorData(rpId, 0x05, []); // UP, UV
        var signature = _key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new JsonObject
        {
            ["id"] = Base64Url(CredentialId),
            ["rawId"] = Base64Url(CredentialId),
            ["type"] = "public-key",
            ["authenticatorAttachment"] = "platform",
            ["response"] = new JsonObject
            {
                ["clientDataJSON"] = Base64Url(clientData),
                ["authenticatorData"] = Base64Url(authenticatorData),
                ["signature"] = Base64Url(signature),
                ["userHandle"] = UserHandle is null ? null : Base64Url(UserHandle),
            },
            ["clientExtensionResults"] = new JsonObject(),
        };
    }

    public void Dispose() => _key.Dispose();

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }

    private byte[] ClientData(string type, string challenge) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type, challenge, origin = Origin, crossOrigin = false }));

    private byte[] AuthenticatorData(string rpId, byte flags, byte[] attested) =>
        [.. SHA256.HashData(Encoding.UTF8.GetBytes(rpId)), flags, .. BigEndian(SignCount), .. attested];

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] BigEndian(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }
}
