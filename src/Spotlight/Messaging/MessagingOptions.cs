namespace Spotlight.Messaging;

/// <summary><c>Messaging:*</c>. The text limits are part of the contract (API.md) and not configurable.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";
    public const int MaxTextLength = 4000;
    public const int MaxTitleLength = 100;
    public const int MaxClientMessageIdLength = 100;

    public int MaxGroupMembers { get; set; } = 256;

    public int MaxAttachmentsPerMessage { get; set; } = 10;

    /// <summary>Largest upload. The platform's request body limit (<c>Spotlight:MaxRequestBodyBytes</c>) caps it too.</summary>
    public long MaxAttachmentBytes { get; set; } = 1024 * 1024;

    /// <summary>Content types an upload may be, as sniffed from its bytes (see <c>ContentSniffer</c>).</summary>
    public string[] AttachmentTypes { get; set; } = ["image/png", "image/jpeg", "image/gif", "image/webp", "video/mp4", "application/pdf"];

    /// <summary>
    /// Minutes an upload no message carries is kept before the cleanup job deletes it: a client attaches right after
    /// uploading, and anything kept longer is storage a user holds without sending it.
    /// </summary>
    public int UnattachedUploadMinutes { get; set; } = 60;
}
