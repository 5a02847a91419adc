using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SkiaSharp;
using Spotlight.Content.Media;
using Spotlight.Content.Posts;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Media;

/// <summary>Files the media tests upload, made in the test: real images and videos, and the hostile ones crafted by hand.</summary>
public static class MediaSamples
{
    /// <summary>A JPEG whose left half is red and right half blue (so a turn shows), optionally with an EXIF block.</summary>
    public static byte[] Jpeg(int width = 40, int height = 20, byte[]? exif = null, bool noise = false)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var random = new Random(7);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, noise ? new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256))
                    : x < width / 2 ? SKColors.Red : SKColors.Blue);
            }
        }

        var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
        return exif is null ? jpeg : [.. jpeg.AsSpan(0, 2), .. exif, .. jpeg.AsSpan(2)];
    }

    public static byte[] Png(int width = 30, int height = 30)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        bitmap.Erase(new SKColor(10, 200, 30, 128));
        return bitmap.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }

    /// <summary>
    /// An EXIF APP1 segment (big-endian TIFF) with an orientation and, optionally, a GPS position: 48°51'29"N 2°17'40"E.
    /// </summary>
    public static byte[] Exif(ushort orientation, bool gps)
    {
        var tiff = new List<byte>();
        void U16(int v) => tiff.AddRange([(byte)(v >> 8), (byte)v]);
        void U32(long v) => tiff.AddRange([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        void Entry(int tag, int type, int count, long value)
        {
            U16(tag);
            U16(type);
            U32(count);
            U32(value);
        }

        tiff.AddRange("MM"u8.ToArray());
        U16(42);
        U32(8);
        var ifd0Entries = gps ? 2 : 1;
        var gpsIfd = 8 + 2 + (ifd0Entries * 12) + 4;
        U16(ifd0Entries);
        Entry(0x0112, 3, 1, (long)orientation << 16); // SHORT, left-justified in the value field
        if (gps)
        {
            Entry(0x8825, 4, 1, gpsIfd);
        }

        U32(0);
        if (gps)
        {
            var rationals = gpsIfd + 2 + (4 * 12) + 4;
            U16(4);
            Entry(0x0001, 2, 2, 'N' << 24);
            Entry(0x0002, 5, 3, rationals);
            Entry(0x0003, 2, 2, 'E' << 24);
            Entry(0x0004, 5, 3, rationals + 24);
            U32(0);
            foreach (var (numerator, denominator) in new[] { (48, 1), (51, 1), (29, 1), (2, 1), (17, 1), (40, 1) })
            {
                U32(numerator);
                U32(denominator);
            }
        }

        var body = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var length = body.Length + 2;
        return [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. body];
    }

    /// <summary>A PNG that claims 30,000 × 30,000 pixels (2.7 GB decoded) in a few dozen bytes: signature, IHDR, a tiny IDAT, IEND.</summary>
    public static byte[] PngBomb(int side = 30_000)
    {
        var png = new List<byte>([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, side);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), side);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        Chunk(png, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                zlib.Write(new byte[4096]);
            }

            Chunk(png, "IDAT", compressed.ToArray());
        }

        Chunk(png, "IEND", []);
        return [.. png];
    }

    public static byte[] Zip()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("payload.html").Open();
            entry.Write("<script>alert(document.cookie)</script>"u8);
        }

        return buffer.ToArray();
    }

    /// <summary>A real video made by ffmpeg: 320 × 240, the given seconds long.</summary>
    public static async Task<byte[]> Mp4Async(double seconds = 1)
    {
        var path = Path.Combine(Path.GetTempPath(), $"spotlight-{Guid.NewGuid():N}.mp4");
        try
        {
            var run = await VideoTools.RunAsync("ffmpeg",
                ["-v", "error", "-f", "lavfi", "-i", $"testsrc=duration={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}:size=320x240:rate=10",
                 "-pix_fmt", "yuv420p", "-c:v", "mpeg4", "-movflags", "+faststart", path], TimeSpan.FromSeconds(60), CancellationToken.None);
            Assert.True(run.ExitCode == 0, "ffmpeg could not make the sample video: " + run.Errors);
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Whole ISO boxes (so it passes the structure check) that no decoder can read: an ftyp and an mdat of noise.</summary>
    public static byte[] BrokenMp4()
    {
        var noise = new byte[4096];
        new Random(3).NextBytes(noise);
        byte[] ftyp = [0, 0, 0, 20, .. "ftypisom"u8, 0, 0, 2, 0, .. "isom"u8];
        byte[] mdat = [.. BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(8 + noise.Length)), .. "mdat"u8, .. noise];
        return [.. ftyp, .. mdat];
    }

    public static async Task<HttpResponseMessage> UploadAsync(this HttpClient client, byte[] bytes, string fileName, string contentType)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(part, "file", fileName);
        return await client.PostAsync("/api/v1/media", form);
    }

    public static async Task<JsonElement> UploadOkAsync(this HttpClient client, byte[] bytes, string fileName, string contentType) =>
        await (await client.UploadAsync(bytes, fileName, contentType)).ShouldBeAsync(System.Net.HttpStatusCode.Created);

    /// <summary>Reads the media until its processing ended (ready or failed).</summary>
    public static async Task<JsonElement> WaitProcessedAsync(this HttpClient client, string id)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var media = await client.GetFromJsonAsync<JsonElement>($"/api/v1/media/{id}");
            if (media.GetProperty("status").GetString() != "processing")
            {
                return media;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "The video was still processing after 60 s.");
            await Task.Delay(200);
        }
    }

    /// <summary>Puts media on a post of the given exposure, as the posts feature does (a post row, then <see cref="IPostMedia"/>).</summary>
    public static async Task<Guid> PostWithAsync(SpotlightApp app, Guid authorId, Guid mediaId, MediaExposure exposure, string visibility = Visibility.Public)
    {
        var postId = Guid.CreateVersion7();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Spotlight.Data.SpotlightDb>();
        db.Add(new Post { Id = postId, AuthorId = authorId, Text = "with media", Visibility = visibility, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        var refusal = await scope.ServiceProvider.GetRequiredService<IPostMedia>().AttachAsync(authorId, postId, [mediaId], exposure, CancellationToken.None);
        Assert.Null(refusal);
        return postId;
    }

    private static void Chunk(List<byte> png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.AddRange(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.AddRange(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.AddRange(crc);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
