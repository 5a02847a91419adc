using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Identity;
using Spotlight.Messaging.Conversations;

namespace Spotlight.Messaging.Messages;

/// <summary>
/// One message. <see cref="Sequence"/> orders a conversation (1, 2, 3... with no gaps); a sender's
/// <see cref="ClientMessageId"/> is unique in a conversation, so a retried send stores nothing twice.
/// A deleted message stays as a tombstone: no text, no attachments, <see cref="DeletedAt"/> set.
/// </summary>
public sealed class Message
{
    public Guid Id { get; set; }

    public Guid ConversationId { get; set; }

    public long Sequence { get; set; }

    public Guid SenderId { get; set; }

    public required string ClientMessageId { get; set; }

    public string? Text { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? EditedAt { get; set; }

    public DateTime? DeletedAt { get; set; }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.ToTable("messages");
        builder.Property(m => m.ClientMessageId).HasMaxLength(MessagingOptions.MaxClientMessageIdLength);
        builder.Property(m => m.Text).HasMaxLength(MessagingOptions.MaxTextLength);
        builder.HasIndex(m => new { m.ConversationId, m.Sequence }).IsUnique();
        builder.HasIndex(m => new { m.ConversationId, m.SenderId, m.ClientMessageId }).IsUnique();
        builder.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.SenderId).OnDelete(DeleteBehavior.Cascade);
    }
}
