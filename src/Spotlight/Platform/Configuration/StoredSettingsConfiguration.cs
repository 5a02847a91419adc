namespace Spotlight.Platform.Configuration;

/// <summary>
/// Settings saved at run time (the admin console's integration settings) as a configuration provider, added after every
/// other source: a saved value wins over <c>appsettings.json</c>, environment and command line, which stay the fallback.
/// Whoever owns the stored settings pushes each new snapshot here; every <c>IConfiguration</c> read and
/// <c>IOptionsMonitor&lt;T&gt;</c> then sees it, so a feature reads one set of options whichever place a value came from.
/// Values are plain text in memory only; they are encrypted at rest by the settings store and never logged.
/// </summary>
public sealed class StoredSettingsConfigurationProvider : ConfigurationProvider
{
    /// <summary>Replaces every stored value (configuration key → value) and signals a reload when anything changed.</summary>
    public void Replace(IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var next = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
        if (next.Count == Data.Count && next.All(pair => Data.TryGetValue(pair.Key, out var current) && current == pair.Value))
        {
            return;
        }

        Data = next;
        OnReload();
    }

    public override string ToString() => $"{nameof(StoredSettingsConfigurationProvider)} ({Data.Count} keys)"; // keys only: values can be secrets
}

internal sealed class StoredSettingsConfigurationSource(StoredSettingsConfigurationProvider provider) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => provider;
}

public static class StoredSettingsConfigurationExtensions
{
    /// <summary>Adds the stored settings as the last configuration source and registers the provider for the store to fill.</summary>
    public static StoredSettingsConfigurationProvider AddStoredSettings(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var provider = new StoredSettingsConfigurationProvider();
        ((IConfigurationBuilder)builder.Configuration).Add(new StoredSettingsConfigurationSource(provider));
        builder.Services.AddSingleton(provider);
        return provider;
    }
}
