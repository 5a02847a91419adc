using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spotlight.Platform.Security;

/// <summary>
/// The keys Spotlight cannot run without. Taken from configuration (<c>Jwt:SigningKey</c>,
/// <c>Secrets:EncryptionKey</c>, base64 of at least 32 bytes); otherwise generated once into
/// <c>{data}/secrets.json</c> with owner-only permissions. In Production on PostgreSQL nothing is generated:
/// several nodes must share one key, so a missing setting stops start-up and names the setting.
/// </summary>
public sealed class PlatformSecrets
{
    public const string JwtSigningKeySetting = "Jwt:SigningKey";
    public const string EncryptionKeySetting = "Secrets:EncryptionKey";
    private const int KeyBytes = 32;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private PlatformSecrets(byte[] jwtSigningKey, byte[] encryptionKey)
    {
        JwtSigningKey = jwtSigningKey;
        EncryptionKey = encryptionKey;
    }

    public byte[] JwtSigningKey { get; }

    public byte[] EncryptionKey { get; }

    public static PlatformSecrets Load(IConfiguration configuration, IHostEnvironment environment, DataDirectory dataDirectory, bool sharedDatabase)
    {
        var mayGenerate = !(environment.IsProduction() && sharedDatabase);
        var file = dataDirectory.Combine("secrets.json");
        JsonObject? stored = null;

        byte[] Resolve(string setting)
        {
            var configured = configuration[setting];
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return Decode(setting, configured);
            }

            if (!mayGenerate)
            {
                throw new StartupRefusedException(
                    $"The setting '{setting}' is required in Production with PostgreSQL (every node must use the same value). " +
                    $"Generate one with: openssl rand -base64 32, and set it as {setting.Replace(":", "__", StringComparison.Ordinal)}.");
            }

            stored ??= File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? [] : [];
            if (stored[setting]?.GetValue<string>() is { } existing)
            {
                return Decode(setting, existing);
            }

            var generated = RandomNumberGenerator.GetBytes(KeyBytes);
            stored[setting] = Convert.ToBase64String(generated);
            Write(file, stored);
            return generated;
        }

        return new PlatformSecrets(Resolve(JwtSigningKeySetting), Resolve(EncryptionKeySetting));
    }

    private static byte[] Decode(string setting, string value)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new StartupRefusedException($"The setting '{setting}' must be base64 (e.g. from: openssl rand -base64 32).");
        }

        return bytes.Length >= KeyBytes
            ? bytes
            : throw new StartupRefusedException($"The setting '{setting}' must hold at least {KeyBytes} bytes of key material.");
    }

    private static void Write(string file, JsonObject content)
    {
        var temporary = file + ".tmp";
        using (var stream = OperatingSystem.IsWindows()
            ? new FileStream(temporary, FileMode.Create, FileAccess.Write)
            : new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
        {
            JsonSerializer.Serialize(stream, content, Indented);
        }

        File.Move(temporary, file, overwrite: true);
    }
}
