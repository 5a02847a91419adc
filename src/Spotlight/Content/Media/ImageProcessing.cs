using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SkiaSharp;
using Spotlight.Platform.Errors;

namespace Spotlight.Content.Media;

/// <summary>What an image becomes: re-encoded bytes without metadata, their type and size, a thumbnail and a blurhash.</summary>
public sealed record ProcessedImage(byte[] Content, string ContentType, int Width, int Height, byte[] Thumbnail, string ThumbnailExtension, string Blurhash);

/// <summary>
/// Decodes and re-encodes an upload with SkiaSharp. The header's dimensions are checked before any pixel is decoded
/// (a 30,000 × 30,000 PNG is a few hundred bytes and 3.6 GB of pixels); the image is decoded at reduced scale where the
/// format allows (JPEG's DCT scaling) to at most <see cref="MediaOptions.MaxStoredSide"/>, turned upright by its EXIF
/// orientation and encoded afresh, so nothing of the original file (EXIF, GPS, XMP, comments, trailing bytes) is kept.
/// GIFs keep their first frame only, stored as PNG: animation is not supported (a short video is the way to post one).
/// </summary>
public static class ImageProcessor
{
    public static Outcome<ProcessedImage> Process(byte[] file, MediaType type, MediaOptions options)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(file), out var created);
        if (codec is null)
        {
            return Unsupported($"The {type.ContentType} could not be decoded ({created}).");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || width > options.MaxImageSide || height > options.MaxImageSide || (long)width * height > options.MaxImagePixels)
        {
            return Unsupported($"The image is {width} × {height} pixels; at most {options.MaxImageSide} pixels a side and {options.MaxImagePixels:N0} pixels in all are accepted.");
        }

        if (MediaSniffer.CheckStructure(type, file) is { } malformed)
        {
            return Unsupported(malformed);
        }

        var target = Fit(width, height, options.MaxStoredSide);
        var scaled = ScaledDecodeSize(codec, target);
        var opaque = codec.Info.AlphaType == SKAlphaType.Opaque;
        using var decoded = new SKBitmap(new SKImageInfo(scaled.Width, scaled.Height, SKColorType.Rgba8888, opaque ? SKAlphaType.Opaque : SKAlphaType.Premul));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            return Unsupported(result == SKCodecResult.IncompleteInput
                ? $"The {type.ContentType} is truncated."
                : $"The {type.ContentType} could not be decoded ({result}).");
        }

        using var resized = scaled.Width > target.Width ? decoded.Resize(target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)) : null;
        using var upright = Orient(resized ?? decoded, codec.EncodedOrigin);
        var image = upright ?? resized ?? decoded;

        var (format, contentType) = type.ContentType switch
        {
            "image/jpeg" => (SKEncodedImageFormat.Jpeg, "image/jpeg"),
            "image/webp" => (SKEncodedImageFormat.Webp, "image/webp"),
            _ => (SKEncodedImageFormat.Png, "image/png"),
        };
        using var encoded = image.Encode(format, options.Quality);

        var thumbSize = Fit(image.Width, image.Height, options.ThumbnailSide);
        using var thumbnail = image.Width > thumbSize.Width ? image.Resize(thumbSize, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)) : image.Copy();
        var (thumbFormat, thumbExtension) = opaque ? (SKEncodedImageFormat.Jpeg, ".jpg") : (SKEncodedImageFormat.Webp, ".webp");
        using var thumbEncoded = thumbnail.Encode(thumbFormat, 80);
        return new ProcessedImage(encoded.ToArray(), contentType, image.Width, image.Height, thumbEncoded.ToArray(), thumbExtension, BlurhashOf(thumbnail));
    }

    /// <summary>
    /// The size to decode at: the largest of JPEG's eighths (decoded at that scale for a fraction of the work) that fits the
    /// target, so a 12-MP photo is decoded at half size and needs no resize; formats without scaled decoding decode whole.
    /// </summary>
    private static SKSizeI ScaledDecodeSize(SKCodec codec, SKSizeI target)
    {
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (target.Width >= width)
        {
            return new SKSizeI(width, height);
        }

        for (var eighths = 8; eighths >= 1; eighths--)
        {
            var size = codec.GetScaledDimensions(eighths / 8f);
            if (size.Width <= target.Width && size.Height <= target.Height + 1)
            {
                return size;
            }
        }

        return new SKSizeI(width, height);
    }

    /// <summary>A blurhash of a small copy: 4 × 3 components for landscape, 3 × 4 for portrait.</summary>
    public static string BlurhashOf(SKBitmap image)
    {
        var size = Fit(image.Width, image.Height, 32);
        using var small = image.Resize(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        var landscape = image.Width >= image.Height;
        return Blurhash.Encode(small.GetPixelSpan(), small.Width, small.Height, landscape ? 4 : 3, landscape ? 3 : 4);
    }

    /// <summary>The size that fits <paramref name="side"/> on the longest side, never larger than the original.</summary>
    public static SKSizeI Fit(int width, int height, int side)
    {
        var scale = Math.Min(1.0, (double)side / Math.Max(width, height));
        return new SKSizeI(Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>The image turned as its EXIF orientation says (null when it already is upright).</summary>
    private static SKBitmap? Orient(SKBitmap source, SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft)
        {
            return null;
        }

        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (w, h) = swap ? (source.Height, source.Width) : (source.Width, source.Height);
        var turned = new SKBitmap(new SKImageInfo(w, h, source.ColorType, source.AlphaType));
        using var canvas = new SKCanvas(turned);
        switch (origin)
        {
            case SKEncodedOrigin.TopRight: // mirrored
                canvas.Translate(w, 0);
                canvas.Scale(-1, 1);
                break;
            case SKEncodedOrigin.BottomRight: // upside down
                canvas.Translate(w, h);
                canvas.RotateDegrees(180);
                break;
            case SKEncodedOrigin.BottomLeft: // mirrored upside down
                canvas.Translate(0, h);
                canvas.Scale(1, -1);
                break;
            case SKEncodedOrigin.LeftTop: // transposed
                canvas.Scale(-1, 1);
                canvas.RotateDegrees(90);
                break;
            case SKEncodedOrigin.RightTop: // needs a quarter turn clockwise (a phone held upright)
                canvas.Translate(w, 0);
                canvas.RotateDegrees(90);
                break;
            case SKEncodedOrigin.RightBottom: // transversed
                canvas.Translate(w, h);
                canvas.RotateDegrees(90);
                canvas.Scale(-1, 1);
                break;
            case SKEncodedOrigin.LeftBottom: // needs a quarter turn counter-clockwise
                canvas.Translate(0, h);
                canvas.RotateDegrees(270);
                break;
        }

        canvas.DrawBitmap(source, 0, 0, SKSamplingOptions.Default, null);
        canvas.Flush();
        return turned;
    }

    private static Refusal Unsupported(string detail) => new(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", detail);
}

/// <summary>
/// Decoding is CPU work of tens of milliseconds: it runs on a fixed set of dedicated threads (one per processor by default)
/// fed by a bounded queue, and the request awaits its result, so request threads are never blocked by decoding and a burst
/// of uploads waits in the queue instead of starving the thread pool.
/// </summary>
public sealed class ImageWorkers : IDisposable
{
    private readonly Channel<Work> _queue;
    private readonly Thread[] _threads;

    public ImageWorkers(IOptions<MediaOptions> options)
    {
        var count = options.Value.ImageWorkers > 0 ? options.Value.ImageWorkers : Environment.ProcessorCount;
        _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(count * 8) { FullMode = BoundedChannelFullMode.Wait });
        _threads = Enumerable.Range(0, count).Select(i => new Thread(Run) { IsBackground = true, Name = $"media-image-{i}" }).ToArray();
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    public async Task<Outcome<ProcessedImage>> ProcessAsync(byte[] file, MediaType type, MediaOptions options, CancellationToken cancellationToken)
    {
        var work = new Work(file, type, options, new TaskCompletionSource<Outcome<ProcessedImage>>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        await _queue.Writer.WriteAsync(work, cancellationToken);
        return await work.Done.Task.WaitAsync(cancellationToken);
    }

    public void Dispose() => _queue.Writer.TryComplete();

    private void Run()
    {
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var work))
            {
                if (work.CancellationToken.IsCancellationRequested)
                {
                    work.Done.TrySetCanceled(work.CancellationToken);
                    continue;
                }

                try
                {
                    work.Done.TrySetResult(ImageProcessor.Process(work.File, work.Type, work.Options));
                }
#pragma warning disable CA1031 // the request that waits gets the failure; the worker goes on with the next image
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    work.Done.TrySetException(exception);
                }
            }
        }
    }

    private sealed record Work(byte[] File, MediaType Type, MediaOptions Options, TaskCompletionSource<Outcome<ProcessedImage>> Done, CancellationToken CancellationToken);
}
