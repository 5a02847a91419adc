using Microsoft.Extensions.Options;
using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Configuration;
using Spotlight.Platform.Security;

namespace Spotlight.Admin.Settings;

/// <summary>One stored integration setting. Secrets are kept encrypted (<see cref="SecretProtector"/>), bound to their section and field.</summary>
public sealed class IntegrationSetting
{
    public required string Section { get; set; }

    public required string Field { get; set; }

    public required string Value { get; set; }

    public DateTime UpdatedAt { get; set; }

    public Guid? UpdatedBy { get; set; }
}

internal sealed class IntegrationSettingConfiguration : IEntityTypeConfiguration<IntegrationSetting>
{
    public void Configure(EntityTypeBuilder<IntegrationSetting> builder)
    {
        builder.ToTable("integration_settings");
        builder.HasKey(s => new { s.Section, s.Field });
        builder.Property(s => s.Section).HasMaxLength(50);
        builder.Property(s => s.Field).HasMaxLength(50);
        builder.Property(s => s.Value).HasMaxLength(40_000);
    }
}

/// <summary>How one field looks to an administrator: the value shown (a secret masked), and where it comes from.</summary>
public sealed record FieldView(IntegrationField Field, string? Shown, string Source, DateTime? UpdatedAt);

/// <summary>What a save decided: the fields it changed, or what was wrong with the input.</summary>
public sealed record SettingsSaveResult(IReadOnlyList<string> Changed, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// The integration settings of every section: stored in the database (secrets encrypted), falling back to configuration.
/// Each node keeps a snapshot in memory that <see cref="IntegrationSettingsRefresher"/> re-reads every few seconds and a
/// save on this node replaces at once, so readers on hot paths (CORS, rate limits) never wait on the database.
/// Every snapshot is also handed to the configuration (<see cref="StoredSettingsConfigurationProvider"/>): a value saved
/// here is what <c>IConfiguration</c> and <c>IOptionsMonitor</c> give the feature that uses it, under the field's
/// configuration key, and a replaced rotating secret stays readable there for the overlap (<see cref="RotatingSecret"/>).
/// Values are never logged.
/// </summary>
public sealed class IntegrationSettings(
    IServiceScopeFactory scopes, SecretProtector protector, IConfiguration configuration, StoredSettingsConfigurationProvider stored, IOptions<AdminOptions> options,
    TimeProvider time, AuditLog audit)
{
    /// <summary>The row keeping a rotated secret's replaced value (encrypted) and, in its time, when it was replaced.</summary>
    private const string PreviousSuffix = ".previous";
    private static readonly string[] SplitParts = ["Creator", "Platform", "Processor"];
    private volatile Snapshot _snapshot = Snapshot.Empty;

    internal bool Loaded => _snapshot.Loaded;

    /// <summary>The value in force, in plain text: the stored value, else the configuration key, else the default.</summary>
    public string? Get(string section, string field)
    {
        var definition = IntegrationCatalog.Find(section)?.Field(field) ?? throw new ArgumentException($"Unknown setting {section}.{field}.", nameof(field));
        return Effective(section, definition).Value;
    }

    /// <summary>A whole-number setting in force (rate limits, revenue splits, ports), or null when unset everywhere.</summary>
    public int? GetInt(string section, string field) =>
        int.TryParse(Get(section, field), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Only the value stored in the database (no fallback), e.g. to let it override a configured default.</summary>
    public int? StoredInt(string section, string field) =>
        _snapshot.Values.TryGetValue(Key(section, field), out var stored) && int.TryParse(stored.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value : null;

    public IReadOnlyList<FieldView> Describe(IntegrationSection section) =>
        [.. section.Fields.Select(field =>
        {
            var (value, source) = Effective(section.Name, field);
            _snapshot.Values.TryGetValue(Key(section.Name, field.Name), out var stored);
            var shown = value is null ? null : field.IsSecret ? SecretProtector.Mask(value) : value;
            return new FieldView(field, shown, source, stored?.UpdatedAt);
        })];

    /// <summary>A section as the API shows it: field → value (secrets masked, numbers as numbers, origins as a list, unset as null).</summary>
    public Dictionary<string, object?> ToJson(IntegrationSection section) =>
        Describe(section).ToDictionary(v => v.Field.Name, v => v.Shown is null ? null : v.Field.Kind switch
        {
            FieldKind.WholeNumber or FieldKind.Percent => int.TryParse(v.Shown, CultureInfo.InvariantCulture, out var n) ? n : null,
            FieldKind.OriginList => IntegrationCatalog.SplitOrigins(v.Shown),
            _ => (object?)v.Shown,
        });

    /// <summary>
    /// Validates and stores changes to one section. A field left out is unchanged; an empty secret keeps the stored
    /// secret; an empty plain field, or a field named in <paramref name="clear"/>, removes the stored value. Each changed
    /// field writes an audit entry naming the section and field, never the value.
    /// </summary>
    public async Task<SettingsSaveResult> SaveAsync(SpotlightDb db, IntegrationSection section, IReadOnlyDictionary<string, string?> values, IReadOnlySet<string> clear, Guid? actorId, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var wanted = new Dictionary<string, string?>(StringComparer.Ordinal); // field → new plain value, null = remove
        foreach (var name in values.Keys.Concat(clear).Distinct(StringComparer.Ordinal))
        {
            var field = section.Field(name);
            if (field is null)
            {
                errors[name] = ["This field is not a setting of this section."];
                continue;
            }

            var value = values.GetValueOrDefault(name)?.Trim();
            if (clear.Contains(name))
            {
                wanted[name] = null;
            }
            else if (string.IsNullOrEmpty(value))
            {
                if (!field.IsSecret)
                {
                    wanted[name] = null;
                }
            }
            else if (IntegrationCatalog.Validate(field, value) is { } problem)
            {
                errors[name] = [problem];
            }
            else
            {
                wanted[name] = field.Kind == FieldKind.OriginList ? string.Join('\n', IntegrationCatalog.SplitOrigins(value)) : value;
            }
        }

        if (errors.Count == 0 && section.Name == IntegrationCatalog.RevenueSplits)
        {
            foreach (var kind in IntegrationCatalog.SplitKinds)
            {
                var parts = SplitParts.Select(p => kind.Kind + p).ToArray();
                var sum = parts.Sum(p => wanted.TryGetValue(p, out var v)
                    ? int.Parse(v ?? section.Field(p)!.Default!, CultureInfo.InvariantCulture)
                    : GetInt(section.Name, p) ?? 0);
                if (sum != 100)
                {
                    errors[kind.Kind] = [$"{kind.Label}: the creator, platform and processor shares add up to {sum} %, not 100 %."];
                }
            }
        }

        if (errors.Count > 0)
        {
            return new SettingsSaveResult([], errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var rows = await db.Set<IntegrationSetting>().Where(s => s.Section == section.Name).ToDictionaryAsync(s => s.Field, StringComparer.Ordinal, cancellationToken);
        var changed = new List<string>();
        foreach (var (name, value) in wanted)
        {
            var field = section.Field(name)!;
            rows.TryGetValue(name, out var row);
            var before = Effective(section.Name, field).Value;
            if (value is null)
            {
                if (row is not null)
                {
                    db.Remove(row);
                    changed.Add(name);
                    KeepReplaced(db, rows, section.Name, field, before, now, actorId);
                    audit.Add(db, "settings.changed", "integration_setting", Key(section.Name, name), new { section = section.Name, field = name, change = "removed" }, actorId);
                }

                continue;
            }

            if (row is not null ? Plain(section.Name, field, row.Value) == value : before == value)
            {
                continue; // unchanged, or the same as what configuration already gives
            }

            KeepReplaced(db, rows, section.Name, field, before, now, actorId);

            var stored = field.IsSecret ? protector.Protect(value, Purpose(section.Name, name)) : value;
            if (row is null)
            {
                db.Add(new IntegrationSetting { Section = section.Name, Field = name, Value = stored, UpdatedAt = now, UpdatedBy = actorId });
            }
            else
            {
                row.Value = stored;
                row.UpdatedAt = now;
                row.UpdatedBy = actorId;
            }

            changed.Add(name);
            audit.Add(db, "settings.changed", "integration_setting", Key(section.Name, name), new { section = section.Name, field = name, change = "set", secret = field.IsSecret }, actorId);
        }

        if (changed.Count > 0)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another administrator saved the same new field at the same moment (primary key taken).
                return new SettingsSaveResult([], new Dictionary<string, string[]>
                {
                    [section.Name] = ["Another change to this section was saved at the same moment. Reload the page and try again."],
                });
            }

            await ReloadAsync(cancellationToken);
        }

        return new SettingsSaveResult(changed, errors);
    }

    /// <summary>Reads every stored setting into a new snapshot, and hands it to the configuration.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var rows = await db.Set<IntegrationSetting>().AsNoTracking().ToListAsync(cancellationToken);
        var values = rows.ToFrozenDictionary(r => Key(r.Section, r.Field), r => new Stored(r.Value, r.UpdatedAt), StringComparer.Ordinal);
        var previous = _snapshot;
        if (!previous.Loaded || !SameValues(previous.Values, values))
        {
            // Decrypted for the configuration only when something changed, not at every refresh.
            _snapshot = new Snapshot(values, true);
            stored.Replace(ConfigurationValues(_snapshot));
        }
    }

    /// <summary>
    /// The stored values under their configuration keys, decrypted: what the features read through configuration. An
    /// origin list is one value, origins on lines of their own, at the key itself: a configured array under that key
    /// (<c>Cors:AllowedOrigins:0</c>...) would otherwise show through a shorter saved list.
    /// </summary>
    private Dictionary<string, string?> ConfigurationValues(Snapshot snapshot)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in IntegrationCatalog.Sections)
        {
            foreach (var field in section.Fields)
            {
                if (field.ConfigurationKey is not { } key)
                {
                    continue;
                }

                if (snapshot.Values.TryGetValue(Key(section.Name, field.Name), out var value) && Plain(section.Name, field, value.Value) is { } plain)
                {
                    result[key] = plain;
                }

                if (field.Rotates && snapshot.Values.TryGetValue(Key(section.Name, field.Name + PreviousSuffix), out var replaced)
                    && Plain(section.Name, field with { Name = field.Name + PreviousSuffix }, replaced.Value) is { } old)
                {
                    result[RotatingSecret.PreviousKey(key)] = old;
                    result[RotatingSecret.PreviousExpiresAtKey(key)] = replaced.UpdatedAt.AddHours(options.Value.SecretRotationOverlapHours).ToString("O", CultureInfo.InvariantCulture);
                }
            }
        }

        return result;
    }

    /// <summary>A rotating secret's value before this change stays accepted for the overlap: kept encrypted in a row of its own, stamped now.</summary>
    private void KeepReplaced(SpotlightDb db, Dictionary<string, IntegrationSetting> rows, string section, IntegrationField field, string? replaced, DateTime now, Guid? actorId)
    {
        if (!field.Rotates || string.IsNullOrEmpty(replaced))
        {
            return;
        }

        var name = field.Name + PreviousSuffix;
        var value = protector.Protect(replaced, Purpose(section, name));
        if (rows.TryGetValue(name, out var row))
        {
            row.Value = value;
            row.UpdatedAt = now;
            row.UpdatedBy = actorId;
        }
        else
        {
            db.Add(new IntegrationSetting { Section = section, Field = name, Value = value, UpdatedAt = now, UpdatedBy = actorId });
        }
    }

    internal static string Key(string section, string field) => section + "." + field;

    private static string Purpose(string section, string field) => "integration-setting:" + Key(section, field);

    private static bool SameValues(FrozenDictionary<string, Stored> a, FrozenDictionary<string, Stored> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var other) && other.Value == pair.Value.Value && other.UpdatedAt == pair.Value.UpdatedAt);

    private (string? Value, string Source) Effective(string section, IntegrationField field)
    {
        if (_snapshot.Values.TryGetValue(Key(section, field.Name), out var stored) && Plain(section, field, stored.Value) is { } plain)
        {
            return (plain, "database");
        }

        if (field.ConfigurationKey is { } key)
        {
            var configured = field.Kind == FieldKind.OriginList && string.IsNullOrWhiteSpace(configuration[key])
                ? string.Join('\n', configuration.GetSection(key).Get<string[]>() ?? [])
                : configuration[key];
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return (configured, "configuration");
            }
        }

        return field.Default is null ? (null, "unset") : (field.Default, "default");
    }

    private string? Plain(string section, IntegrationField field, string stored)
    {
        if (!field.IsSecret)
        {
            return stored;
        }

        try
        {
            return protector.Unprotect(stored, Purpose(section, field.Name));
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException)
        {
            // Encrypted under another key (Secrets:EncryptionKey changed): treated as unset until saved again.
            return null;
        }
    }

    private sealed record Stored(string Value, DateTime UpdatedAt);

    private sealed class Snapshot(FrozenDictionary<string, Stored> values, bool loaded)
    {
        public static readonly Snapshot Empty = new(FrozenDictionary<string, Stored>.Empty, false);
        public FrozenDictionary<string, Stored> Values { get; } = values;

        public bool Loaded { get; } = loaded;
    }
}

/// <summary>Re-reads the settings every <see cref="AdminOptions.SettingsRefreshSeconds"/>, so a change saved on another node applies here too.</summary>
internal sealed class IntegrationSettingsRefresher(IntegrationSettings settings, IOptions<AdminOptions> options, ILogger<IntegrationSettingsRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(0.2, options.Value.SettingsRefreshSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await settings.ReloadAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the last snapshot stays in force; the next round tries again
            catch (Exception exception)
#pragma warning restore CA1031
            {
                logger.LogWarning("Reading the integration settings failed ({Error}); keeping the previous values", exception.GetType().Name);
            }

            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
