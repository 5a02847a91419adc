using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Identity;
using Spotlight.Messaging.Messages;

namespace Spotlight.Messaging.Attachments;

/// <summary>
/// An uploaded file. It belongs to its uploader until a message of theirs carries it; from then on the members of that
/// message's conversation may read it. Unattached uploads are deleted after an hour (<c>Messaging:UnattachedUploadMinutes</c>);
/// every upload counts against its uploader's storage quota until it is deleted.
/// </summary>
public sealed class Attachment
{
    public Guid Id { get; set; }

    public Guid UploaderId { get; set; }

    public Guid? MessageId { get; set; }

    public Guid? ConversationId { get; set; }

    /// <summary>The type the content really is (sniffed from its first bytes), not what the uploader claimed.</summary>
    public required string ContentType { get; set; }

    public long Size { get; set; }

    public required string StorageKey { get; set; }

    public required string Sha256 { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> builder)
    {
        builder.ToTable("attachments");
        builder.Property(a => a.ContentType).HasMaxLength(100);
        builder.Property(a => a.StorageKey).HasMaxLength(300);
        builder.Property(a => a.Sha256).HasMaxLength(64);
        builder.HasIndex(a => a.MessageId);
        builder.HasIndex(a => new { a.UploaderId, a.CreatedAt });
        builder.HasOne<User>().WithMany().HasForeignKey(a => a.UploaderId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Message>().WithMany().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.SetNull);
    }
}
