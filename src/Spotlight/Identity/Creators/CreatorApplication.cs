using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Spotlight.Identity.Creators;

/// <summary>A user's request to become a creator (role and tier <c>creator</c>): what a platform needs to know, and the decision.</summary>
internal sealed class CreatorApplication
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public string Status { get; set; } = CreatorApplicationStatus.Pending;

    public string Category { get; set; } = "";

    public string Country { get; set; } = "";

    public string About { get; set; } = "";

    /// <summary>Up to five links to the applicant's existing work, one per line.</summary>
    public string Links { get; set; } = "";

    public DateTime SubmittedAt { get; set; }

    public DateTime? DecidedAt { get; set; }

    /// <summary>The admin who decided; null when approved automatically (<c>Creators:AutoApprove</c>).</summary>
    public Guid? DecidedBy { get; set; }

    /// <summary>Why it was rejected: the applicant sees it.</summary>
    public string? Reason { get; set; }

    /// <summary>The user while the application waits: unique, so a user has one pending application at a time.</summary>
    public Guid? PendingUserId { get; set; }
}

public static class CreatorApplicationStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
}

internal sealed class CreatorApplicationConfiguration : IEntityTypeConfiguration<CreatorApplication>
{
    public void Configure(EntityTypeBuilder<CreatorApplication> builder)
    {
        builder.ToTable("creator_applications");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Status).HasMaxLength(20);
        builder.Property(a => a.Category).HasMaxLength(40);
        builder.Property(a => a.Country).HasMaxLength(2);
        builder.Property(a => a.About).HasMaxLength(2000);
        builder.Property(a => a.Links).HasMaxLength(2600);
        builder.Property(a => a.Reason).HasMaxLength(500);
        builder.HasIndex(a => a.PendingUserId).IsUnique();
        builder.HasIndex(a => new { a.UserId, a.SubmittedAt });
        builder.HasIndex(a => new { a.Status, a.SubmittedAt });
    }
}
