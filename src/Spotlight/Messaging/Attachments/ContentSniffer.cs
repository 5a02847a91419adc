namespace Spotlight.Messaging.Attachments;

/// <summary>
/// What a file really is, from its first bytes (its "magic number"), whatever the uploader's Content-Type says: a script
/// renamed to .png is not an image, and the server stores and serves the type it found.
/// </summary>
internal static class ContentSniffer
{
    public const int HeadLength = 16;

    public static string? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            return "video/mp4";
        }

        if (head.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }

        return null;
    }
}
