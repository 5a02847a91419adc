using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Identity;

namespace Spotlight.Notifications.Devices;

/// <summary>A device's push registration token (FCM, APNs via FCM, web push). A token belongs to the user who registered it last.</summary>
public sealed class PushDevice
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public required string Token { get; set; }

    public required string Platform { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class PushDeviceConfiguration : IEntityTypeConfiguration<PushDevice>
{
    public void Configure(EntityTypeBuilder<PushDevice> builder)
    {
        builder.ToTable("push_devices");
        builder.Property(d => d.Token).HasMaxLength(RegisterPushDevice.MaxTokenLength);
        builder.Property(d => d.Platform).HasMaxLength(10);
        builder.HasIndex(d => d.Token).IsUnique();
        builder.HasIndex(d => d.UserId);
        builder.HasOne<User>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
