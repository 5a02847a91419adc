using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Spotlight.Data;

/// <summary>Every time Spotlight stores is UTC; SQLite forgets the kind on the way back, so it is restored here.</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
