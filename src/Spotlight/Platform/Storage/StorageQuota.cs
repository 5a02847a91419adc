using Microsoft.Extensions.Options;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spotlight.Data;
using Spotlight.Platform.Errors;

namespace Spotlight.Platform.Storage;

/// <summary>
/// A feature that keeps files for a user (chat attachments, content media) says how many bytes of theirs it holds; the
/// quota is the sum over every such feature, so one allowance covers all of a user's uploads. Register with
/// <see cref="StorageQuotaServiceCollectionExtensions.AddUserStorage{T}"/>; it runs on the request's own <c>SpotlightDb</c>.
/// </summary>
public interface IUserStorage
{
    Task<long> StoredBytesAsync(Guid userId, CancellationToken cancellationToken);
}

/// <summary><c>Storage:*</c>. Quotas by tier: a whole number of bytes or a size such as <c>200MiB</c>, <c>1GiB</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public Dictionary<string, string> Quotas { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["free"] = "200MiB",
        ["premium"] = "1GiB",
        ["creator"] = "5GiB",
    };
}

/// <summary>What a reservation decided: whether <c>Incoming</c> more bytes fit, with what the user already stores and may store.</summary>
public readonly record struct QuotaDecision(bool Allowed, long Used, long Limit, long Incoming);

/// <summary>
/// Per-user storage quotas by tier. <see cref="ReserveAsync"/> runs inside the transaction that records the new file, and
/// holds the user's quota until it commits (a PostgreSQL advisory lock; SQLite's write transaction serialises on its own),
/// so parallel uploads cannot each see the same room and overshoot it together.
/// </summary>
public sealed class StorageQuota(SpotlightDb db, IEnumerable<IUserStorage> features, QuotaLimits limits, IOptions<DatabaseOptions> database)
{
    public long LimitFor(string? tier) => limits.For(tier);

    public async Task<long> UsedAsync(Guid userId, CancellationToken cancellationToken)
    {
        var used = 0L;
        foreach (var feature in features)
        {
            used += await feature.StoredBytesAsync(userId, cancellationToken);
        }

        return used;
    }

    /// <summary>Checks that <paramref name="bytes"/> more fit; call it after the transaction began and record the file before committing.</summary>
    public async Task<QuotaDecision> ReserveAsync(Guid userId, string? tier, long bytes, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A storage reservation must run inside the transaction that records the file.");
        }

        if (database.Value.IsPostgres)
        {
            var key = "storage-quota:" + userId.ToString("N");
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", cancellationToken);
        }

        var used = await UsedAsync(userId, cancellationToken);
        var limit = limits.For(tier);
        return new QuotaDecision(used + bytes <= limit, used, limit, bytes);
    }

    /// <summary>413 <c>quota_exceeded</c>, saying how much is used of how much, with both in bytes as <c>used</c> and <c>limit</c>.</summary>
    public static ProblemHttpResult Exceeded(QuotaDecision decision) => ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, "quota_exceeded",
        $"Storage quota exceeded: {Size.Format(decision.Used)} used of {Size.Format(decision.Limit)}, and this upload is {Size.Format(decision.Incoming)}. " +
        "Delete messages with attachments to free space; uploads no message carries are deleted after a while.",
        new Dictionary<string, object?> { ["used"] = decision.Used, ["limit"] = decision.Limit });
}

/// <summary>The quotas from <see cref="StorageOptions"/>, parsed once at start-up; a tier without its own quota gets <c>free</c>'s.</summary>
public sealed class QuotaLimits
{
    private readonly Dictionary<string, long> _byTier;

    public QuotaLimits(StorageOptions options)
    {
        _byTier = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var (tier, text) in options.Quotas)
        {
            _byTier[tier] = Size.TryParse(text, out var bytes) && bytes >= 0
                ? bytes
                : throw new StartupRefusedException($"Storage:Quotas:{tier} must be a number of bytes or a size such as 200MiB or 1GiB, not '{text}'.");
        }

        if (!_byTier.ContainsKey("free"))
        {
            throw new StartupRefusedException("Storage:Quotas:free must be set: it is the quota of any tier without one of its own.");
        }
    }

    /// <summary>Why <paramref name="options"/> cannot make limits (one sentence naming the setting), or nothing.</summary>
    internal static IEnumerable<string> Problems(StorageOptions options)
    {
        try
        {
            _ = new QuotaLimits(options);
        }
        catch (StartupRefusedException refused)
        {
            return [refused.Message];
        }

        return [];
    }

    public long For(string? tier) => tier is not null && _byTier.TryGetValue(tier, out var bytes) ? bytes : _byTier["free"];
}

/// <summary>Byte sizes as people write them in settings and read them in messages (binary units).</summary>
public static partial class Size
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var match = SizePattern().Match(text ?? "");
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var shift = 10 * Array.FindIndex(Units, u => string.Equals(u, match.Groups[2].Success ? match.Groups[2].Value : "B", StringComparison.OrdinalIgnoreCase));
        if (number > long.MaxValue >> shift)
        {
            return false;
        }

        bytes = number << shift;
        return true;
    }

    public static string Format(long bytes)
    {
        var unit = 0;
        var value = (double)bytes;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.##} {Units[unit]} ({bytes} bytes)");
    }

    [GeneratedRegex(@"^\s*(\d{1,19})\s*(B|KiB|MiB|GiB|TiB)?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();
}

public static class StorageQuotaServiceCollectionExtensions
{
    /// <summary>Registers the quota (once, whichever feature asks first) and a feature's stored bytes.</summary>
    public static IServiceCollection AddUserStorage<T>(this IServiceCollection services, IConfiguration configuration) where T : class, IUserStorage
    {
        if (!services.Any(d => d.ServiceType == typeof(QuotaLimits)))
        {
            services.AddSettings<StorageOptions>(StorageOptions.Section).ValidateWith(QuotaLimits.Problems);
            services.AddSingleton(sp => new QuotaLimits(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
            services.AddScoped<StorageQuota>();
        }

        services.TryAddEnumerable(ServiceDescriptor.Scoped<IUserStorage, T>());
        return services;
    }
}
