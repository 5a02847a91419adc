using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Data;

namespace Spotlight.Platform.Audit;

/// <summary>An append-only record of who did what to what. No endpoint updates or deletes one.</summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; }

    public DateTime At { get; set; }

    public Guid? ActorId { get; set; }

    public required string Action { get; set; }

    public string? TargetType { get; set; }

    public string? TargetId { get; set; }

    public string? Ip { get; set; }

    public string? RequestId { get; set; }

    /// <summary>JSON; never a secret or a password.</summary>
    public string? Details { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_entries");
        builder.Property(e => e.Action).HasMaxLength(100);
        builder.Property(e => e.TargetType).HasMaxLength(50);
        builder.Property(e => e.TargetId).HasMaxLength(100);
        builder.Property(e => e.Ip).HasMaxLength(64);
        builder.Property(e => e.RequestId).HasMaxLength(128);
        builder.HasIndex(e => e.At);
        builder.HasIndex(e => new { e.ActorId, e.At });
        builder.HasIndex(e => new { e.TargetId, e.At });
        // The admin console's audit log filters by action, newest first (keyset on Id).
        builder.HasIndex(e => new { e.Action, e.Id });
    }
}

/// <summary>
/// Writes audit entries. <see cref="Add"/> puts the entry in the caller's unit of work so it commits with the change it
/// describes; actor, IP and request id come from the current request unless given.
/// </summary>
public sealed class AuditLog(IHttpContextAccessor http, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public AuditEntry Add(SpotlightDb db, string action, string? targetType = null, string? targetId = null, object? details = null, Guid? actorId = null)
    {
        var context = http.HttpContext;
        var entry = new AuditEntry
        {
            Id = Guid.CreateVersion7(),
            At = time.GetUtcNow().UtcDateTime,
            ActorId = actorId ?? (Guid.TryParse(context?.User.FindFirstValue("sub"), out var sub) ? sub : null),
            Action = action,
            TargetType = targetType,
            TargetId = targetId,
            Ip = context?.Connection.RemoteIpAddress?.ToString(),
            RequestId = context?.TraceIdentifier,
            Details = details is null ? null : JsonSerializer.Serialize(details, Json),
        };
        db.Add(entry);
        return entry;
    }

    /// <summary>Adds and saves at once, for events that change nothing else (a failed login).</summary>
    public async Task WriteAsync(SpotlightDb db, string action, string? targetType = null, string? targetId = null, object? details = null, Guid? actorId = null)
    {
        Add(db, action, targetType, targetId, details, actorId);
        await db.SaveChangesAsync();
    }
}
