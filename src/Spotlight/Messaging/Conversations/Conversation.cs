using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Identity;

namespace Spotlight.Messaging.Conversations;

public static class ConversationKind
{
    public const string Direct = "direct";
    public const string Group = "group";
}

/// <summary>
/// A direct conversation (two members, one per pair) or a group (up to <see cref="MessagingOptions.MaxGroupMembers"/>,
/// with a title and an owner). Messages in it are numbered by <see cref="LastSequence"/>, the server's order.
/// </summary>
public sealed class Conversation
{
    public Guid Id { get; set; }

    public required string Kind { get; set; }

    public string? Title { get; set; }

    /// <summary>The group's owner (who may add and remove members); null for a direct conversation.</summary>
    public Guid? OwnerId { get; set; }

    /// <summary>"lowId:highId" of a direct conversation's two members; a unique index makes it one per pair.</summary>
    public string? DirectKey { get; set; }

    /// <summary>The sequence number of the latest message; the next one gets this plus one.</summary>
    public long LastSequence { get; set; }

    /// <summary>The latest message's id (UUID v7, so time-ordered), or the conversation's own before any: lists sort on it.</summary>
    public Guid ActivityId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastMessageAt { get; set; }

    public static string DirectKeyOf(Guid a, Guid b) => a.CompareTo(b) < 0 ? $"{a:N}:{b:N}" : $"{b:N}:{a:N}";
}

/// <summary>A user's place in a conversation, with how far they have read.</summary>
public sealed class ConversationMember
{
    public Guid ConversationId { get; set; }

    public Guid UserId { get; set; }

    public DateTime JoinedAt { get; set; }

    public long LastReadSequence { get; set; }

    public DateTime? LastReadAt { get; set; }
}

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>, IEntityTypeConfiguration<ConversationMember>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.ToTable("conversations");
        builder.Property(c => c.Kind).HasMaxLength(10);
        builder.Property(c => c.Title).HasMaxLength(MessagingOptions.MaxTitleLength);
        builder.Property(c => c.DirectKey).HasMaxLength(80);
        builder.HasIndex(c => c.DirectKey).IsUnique();
        builder.HasIndex(c => c.ActivityId);
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.SetNull);
    }

    public void Configure(EntityTypeBuilder<ConversationMember> builder)
    {
        builder.ToTable("conversation_members");
        builder.HasKey(m => new { m.ConversationId, m.UserId });
        builder.HasIndex(m => m.UserId);
        builder.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
