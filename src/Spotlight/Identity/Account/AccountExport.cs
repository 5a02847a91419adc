using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Platform;

namespace Spotlight.Identity.Account;

internal static class AccountExportStatus
{
    /// <summary>Requested; the export job has not finished the archive yet.</summary>
    public const string Pending = "pending";

    /// <summary>The archive is there: the owner gets a signed link that works once, until <see cref="AccountExport.ExpiresAt"/>.</summary>
    public const string Ready = "ready";

    /// <summary>Downloaded once: the archive is gone.</summary>
    public const string Downloaded = "downloaded";

    /// <summary>Not downloaded in time: the archive is gone.</summary>
    public const string Expired = "expired";

    public const string Failed = "failed";
}

/// <summary>A user's request for a copy of their data (GDPR), and what became of it. The archive lives in the data directory.</summary>
internal sealed class AccountExport
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    /// <summary><see cref="AccountExportStatus"/>.</summary>
    public required string Status { get; set; }

    /// <summary>Requested by an admin for the user (not counted toward the user's own daily allowance).</summary>
    public bool ByAdmin { get; set; }

    public DateTime RequestedAt { get; set; }

    public DateTime? ReadyAt { get; set; }

    /// <summary>When the archive and its link stop working.</summary>
    public DateTime? ExpiresAt { get; set; }

    public DateTime? DownloadedAt { get; set; }

    /// <summary>The archive's size in bytes.</summary>
    public long? Size { get; set; }
}

internal sealed class AccountExportConfiguration : IEntityTypeConfiguration<AccountExport>
{
    public void Configure(EntityTypeBuilder<AccountExport> builder)
    {
        builder.ToTable("account_exports");
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Status).HasMaxLength(16);
        // A user's exports, newest first (the daily allowance); ready ones past their end (the sweep).
        builder.HasIndex(e => new { e.UserId, e.RequestedAt });
        builder.HasIndex(e => new { e.Status, e.ExpiresAt });
        builder.HasOne<User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Where archives are kept: <c>&lt;data directory&gt;/exports/&lt;id&gt;.zip</c>, readable by the server's user only.</summary>
internal sealed class AccountExportFiles(DataDirectory dataDirectory)
{
    public string Directory => dataDirectory.Combine("exports");

    public string PathOf(Guid exportId) => System.IO.Path.Combine(Directory, exportId.ToString("N") + ".zip");

    public void Delete(Guid exportId)
    {
        File.Delete(PathOf(exportId));
        File.Delete(PathOf(exportId) + ".part");
    }
}
