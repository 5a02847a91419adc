using System.Buffers.Binary;
using MetadataExtractor.Util;

namespace Spotlight.Content.Media;

/// <summary>A type Spotlight accepts, as found in the bytes, with the declared types and file extensions that may name it.</summary>
public sealed record MediaType(string ContentType, string Kind, string[] DeclaredTypes, string[] Extensions)
{
    public static readonly MediaType Jpeg = new("image/jpeg", MediaKind.Image, ["image/jpeg", "image/jpg", "image/pjpeg"], [".jpg", ".jpeg", ".jpe", ".jfif"]);
    public static readonly MediaType Png = new("image/png", MediaKind.Image, ["image/png"], [".png"]);
    public static readonly MediaType WebP = new("image/webp", MediaKind.Image, ["image/webp"], [".webp"]);
    public static readonly MediaType Gif = new("image/gif", MediaKind.Image, ["image/gif"], [".gif"]);
    public static readonly MediaType Mp4 = new("video/mp4", MediaKind.Video, ["video/mp4"], [".mp4", ".m4v"]);
    public static readonly MediaType QuickTime = new("video/quicktime", MediaKind.Video, ["video/quicktime"], [".mov", ".qt"]);
    public static readonly MediaType WebM = new("video/webm", MediaKind.Video, ["video/webm"], [".webm"]);

    /// <summary>
    /// Whether what the client said agrees with the bytes. A missing or generic claim (<c>application/octet-stream</c>, a
    /// name without extension) says nothing and passes; a specific claim of another type is a disguise and does not.
    /// </summary>
    public bool Agrees(string? declaredType, string? fileName)
    {
        var declared = declaredType?.Split(';')[0].Trim();
        if (!string.IsNullOrEmpty(declared) && !string.Equals(declared, "application/octet-stream", StringComparison.OrdinalIgnoreCase)
            && !DeclaredTypes.Contains(declared, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        var extension = Path.GetExtension(fileName ?? "");
        return string.IsNullOrEmpty(extension) || Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>
/// What an upload is, from its bytes only: the head names the type (MetadataExtractor's <see cref="FileTypeDetector"/> for
/// JPEG, PNG, WebP, GIF and ISO media; WebM's EBML header and QuickTime's <c>ftyp qt</c> brand by hand), and the whole
/// file must be that type and nothing else: a file cut short, or with data after its end (a ZIP, a script, a second
/// format), is refused, so a polyglot never reaches the decoder or the store.
/// </summary>
public static class MediaSniffer
{
    /// <summary>Bytes of the head the type is told from.</summary>
    public const int HeadLength = 64;

    public static MediaType? Identify(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            // ISO base media: the major brand tells QuickTime from MP4 (MetadataExtractor calls both QuickTime or Mp4 by brand list).
            return head[8..12].SequenceEqual("qt  "u8) ? MediaType.QuickTime : MediaType.Mp4;
        }

        if (IsWebM(head))
        {
            return MediaType.WebM;
        }

        FileType type;
        using (var stream = new MemoryStream(head.ToArray(), writable: false))
        {
            type = FileTypeDetector.DetectFileType(stream);
        }

        return type switch
        {
            FileType.Jpeg => MediaType.Jpeg,
            FileType.Png => MediaType.Png,
            FileType.WebP => MediaType.WebP,
            FileType.Gif => MediaType.Gif,
            _ => null,
        };
    }

    /// <summary>Null when the file is whole and holds only its own format; otherwise why it is refused.</summary>
    public static string? CheckStructure(MediaType type, ReadOnlySpan<byte> file)
    {
        if (HasZipTrailer(file))
        {
            return "The file carries an archive (a ZIP directory) beside the media: polyglot files are refused.";
        }

        return type.ContentType switch
        {
            "image/jpeg" => CheckJpeg(file),
            "image/png" => CheckPng(file),
            "image/webp" => CheckRiff(file),
            "image/gif" => file.Length > 0 && file[^1] == 0x3B ? null : "The GIF is truncated or has data after its end.",
            _ => null,
        };
    }

    /// <summary>For videos, which are not read whole: the top-level boxes of ISO media must tile the file exactly.</summary>
    public static string? CheckIsoBoxes(Stream file)
    {
        Span<byte> header = stackalloc byte[16];
        long position = 0;
        var length = file.Length;
        while (position < length)
        {
            file.Position = position;
            if (length - position < 8 || file.ReadAtLeast(header[..8], 8, throwOnEndOfStream: false) < 8)
            {
                return "The video is truncated (a box header is cut short).";
            }

            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (size == 1)
            {
                if (file.ReadAtLeast(header[8..16], 8, throwOnEndOfStream: false) < 8)
                {
                    return "The video is truncated (a box header is cut short).";
                }

                size = (long)BinaryPrimitives.ReadUInt64BigEndian(header[8..16]);
            }
            else if (size == 0)
            {
                size = length - position; // "to the end of the file"
            }

            if (size < 8 || size > length - position)
            {
                return "The video is truncated or its boxes do not add up to the file.";
            }

            position += size;
        }

        return null;
    }

    private static bool IsWebM(ReadOnlySpan<byte> head)
    {
        // EBML magic, then the header's DocType element (0x42 0x82) saying "webm" within the first bytes.
        if (!head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return false;
        }

        var docType = head.IndexOf((ReadOnlySpan<byte>)[0x42, 0x82]);
        return docType > 0 && docType + 3 + 4 <= head.Length && head[(docType + 3)..].StartsWith("webm"u8);
    }

    /// <summary>A ZIP is read from its end-of-central-directory record, which sits in the last 64 KiB + 22 bytes.</summary>
    public static bool HasZipTrailer(ReadOnlySpan<byte> file)
    {
        var tail = file[Math.Max(0, file.Length - 65_557)..];
        return tail.IndexOf("PK\x05\x06"u8) >= 0 || tail.IndexOf("PK\x03\x04"u8) >= 0;
    }

    /// <summary>
    /// Walks the JPEG's segments and entropy-coded data to its EOI marker. After it only padding or further embedded
    /// JPEGs (a phone's multi-picture format) may follow; anything else (HTML, a script, an archive) is a polyglot.
    /// </summary>
    private static string? CheckJpeg(ReadOnlySpan<byte> file)
    {
        var end = JpegEnd(file, 0);
        if (end < 0)
        {
            return "The JPEG is truncated (no end-of-image marker).";
        }

        while (end < file.Length)
        {
            var embedded = file[end..].StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);
            if (!embedded && file[end] is 0x00 or 0xFF)
            {
                end++;
                continue;
            }

            var next = embedded ? JpegEnd(file, end) : -1;
            if (next < 0)
            {
                return "The JPEG has data after its end-of-image marker: polyglot files are refused.";
            }

            end = next;
        }

        return null;
    }

    /// <summary>The offset just past the EOI of the JPEG starting at <paramref name="start"/>, or -1 when it never ends.</summary>
    private static int JpegEnd(ReadOnlySpan<byte> file, int start)
    {
        var i = start + 2; // past SOI
        while (i + 1 < file.Length)
        {
            if (file[i] != 0xFF)
            {
                return -1;
            }

            var marker = file[i + 1];
            if (marker == 0xFF)
            {
                i++; // fill byte
                continue;
            }

            if (marker == 0xD9)
            {
                return i + 2;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2;
                continue;
            }

            if (i + 3 >= file.Length)
            {
                return -1;
            }

            var segment = BinaryPrimitives.ReadUInt16BigEndian(file[(i + 2)..]);
            i += 2 + segment;
            if (marker != 0xDA)
            {
                continue;
            }

            // Entropy-coded data: runs to the next marker that is not a stuffed 0xFF00 or a restart marker.
            while (i + 1 < file.Length)
            {
                var next = file[i..].IndexOf((byte)0xFF);
                if (next < 0 || i + next + 1 >= file.Length)
                {
                    return -1;
                }

                i += next;
                var after = file[i + 1];
                if (after == 0x00 || after is >= 0xD0 and <= 0xD7 || after == 0xFF)
                {
                    i += after == 0xFF ? 1 : 2;
                    continue;
                }

                break;
            }
        }

        return -1;
    }

    /// <summary>PNG chunks, each with its length, up to IEND, which must be the last bytes of the file.</summary>
    private static string? CheckPng(ReadOnlySpan<byte> file)
    {
        var i = 8;
        while (i + 8 <= file.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(file[i..]);
            if (length > int.MaxValue || i + 12L + length > file.Length)
            {
                return "The PNG is truncated (a chunk runs past the end of the file).";
            }

            var type = file.Slice(i + 4, 4);
            i += 12 + (int)length;
            if (type.SequenceEqual("IEND"u8))
            {
                return i == file.Length ? null : "The PNG has data after its IEND chunk: polyglot files are refused.";
            }
        }

        return "The PNG is truncated (no IEND chunk).";
    }

    /// <summary>A RIFF container says its own length: it must be the file's.</summary>
    private static string? CheckRiff(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12)
        {
            return "The WebP is truncated.";
        }

        var declared = BinaryPrimitives.ReadUInt32LittleEndian(file[4..]) + 8L;
        return declared == file.Length || declared + 1 == file.Length && file[^1] == 0 ? null
            : declared > file.Length ? "The WebP is truncated." : "The WebP has data after its end: polyglot files are refused.";
    }
}
