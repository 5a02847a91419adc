using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using Spotlight.Platform;

namespace Spotlight.Content.Media;

/// <summary>Stored bytes opened for reading: a seekable stream with its length, so responses can answer <c>Range</c>.</summary>
public sealed record MediaBlob(Stream Content, long Length);

/// <summary>
/// Where media bytes live. <see cref="SaveAsync"/> answers the key to keep, which names the backend that holds the bytes
/// (<c>local:…</c>, <c>s3:…</c>), so switching <c>Content:Media:Storage</c> sends new uploads to the new backend while
/// earlier ones are still read from where they were written.
/// </summary>
public interface IMediaStore
{
    Task<string> SaveAsync(string name, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>The bytes under <paramref name="key"/>, or null when there are none.</summary>
    Task<MediaBlob?> OpenAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes the bytes; nothing happens when there are none.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>Routes by the key's prefix; new bytes go to the backend <c>Content:Media:Storage</c> names now.</summary>
internal sealed class MediaStore(LocalDiskMediaStore local, S3MediaStore s3, IOptionsMonitor<MediaOptions> options) : IMediaStore
{
    public async Task<string> SaveAsync(string name, Stream content, string contentType, CancellationToken cancellationToken)
    {
        if (string.Equals(options.CurrentValue.Storage, "s3", StringComparison.OrdinalIgnoreCase))
        {
            await s3.SaveAsync(name, content, contentType, cancellationToken);
            return "s3:" + name;
        }

        await local.SaveAsync(name, content, cancellationToken);
        return "local:" + name;
    }

    public Task<MediaBlob?> OpenAsync(string key, CancellationToken cancellationToken) => Split(key) switch
    {
        ("s3", var name) => s3.OpenAsync(name, cancellationToken),
        (_, var name) => local.OpenAsync(name),
    };

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => Split(key) switch
    {
        ("s3", var name) => s3.DeleteAsync(name, cancellationToken),
        (_, var name) => local.DeleteAsync(name),
    };

    private static (string Backend, string Name) Split(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? ("local", key) : (key[..colon], key[(colon + 1)..]);
    }
}

/// <summary>Files under <c>{data}/media</c>; names are server-made (<c>yyyy/MM/id…</c>), never a client's file name.</summary>
internal sealed class LocalDiskMediaStore(DataDirectory dataDirectory)
{
    private readonly string _root = dataDirectory.Combine("media");

    public async Task SaveAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = path + ".partial";
        await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await content.CopyToAsync(file, cancellationToken);
        }

        File.Move(partial, path, overwrite: true);
    }

    public Task<MediaBlob?> OpenAsync(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            return Task.FromResult<MediaBlob?>(null);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true);
        return Task.FromResult<MediaBlob?>(new MediaBlob(stream, stream.Length));
    }

    public Task DeleteAsync(string name)
    {
        File.Delete(PathOf(name));
        return Task.CompletedTask;
    }

    private string PathOf(string name)
    {
        var path = Path.GetFullPath(Path.Combine(_root, name));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException("A media key must stay inside the media folder.", nameof(name));
        }

        return path;
    }
}

/// <summary>
/// An S3-compatible bucket (AWSSDK.S3). The client is rebuilt when the settings change (they may be edited in the admin
/// console). Checksums are computed only where the protocol requires them, and uploads are not chunk-encoded, so services
/// that do not implement the SDK's newest defaults (MinIO of old, Ceph, s3rver) work too.
/// </summary>
internal sealed class S3MediaStore(IOptionsMonitor<MediaOptions> options) : IDisposable
{
    private readonly Lock _gate = new();
    private (S3MediaOptions Settings, AmazonS3Client Client)? _current;

    public async Task SaveAsync(string name, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var (bucket, client) = Client();
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = name, InputStream = content, ContentType = contentType, AutoCloseStream = false, UseChunkEncoding = false,
        }, cancellationToken);
    }

    public async Task<MediaBlob?> OpenAsync(string name, CancellationToken cancellationToken)
    {
        var (bucket, client) = Client();
        try
        {
            var metadata = await client.GetObjectMetadataAsync(bucket, name, cancellationToken);
            var length = metadata.ContentLength;
            return new MediaBlob(new S3ObjectStream(client, bucket, name, length), length);
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var (bucket, client) = Client();
        await client.DeleteObjectAsync(bucket, name, cancellationToken);
    }

    public void Dispose() => _current?.Client.Dispose();

    private (string Bucket, AmazonS3Client Client) Client()
    {
        var settings = options.CurrentValue.S3;
        if (string.IsNullOrWhiteSpace(settings.Bucket))
        {
            throw new InvalidOperationException("Content:Media:S3:Bucket is not set.");
        }

        lock (_gate)
        {
            if (_current is not { } current || !Same(current.Settings, settings))
            {
                var config = new AmazonS3Config
                {
                    ForcePathStyle = settings.ForcePathStyle,
                    RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                    ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
                };
                if (!string.IsNullOrWhiteSpace(settings.ServiceUrl))
                {
                    config.ServiceURL = settings.ServiceUrl;
                    config.AuthenticationRegion = settings.Region;
                }
                else
                {
                    config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.Region);
                }

                // The previous client may still serve a response being streamed: it is left to the collector, not disposed.
                _current = (Copy(settings), new AmazonS3Client(new BasicAWSCredentials(settings.AccessKey ?? "", settings.SecretKey ?? ""), config));
            }

            return (settings.Bucket, _current.Value.Client);
        }
    }

    private static S3MediaOptions Copy(S3MediaOptions s) => new()
    {
        ServiceUrl = s.ServiceUrl, Bucket = s.Bucket, AccessKey = s.AccessKey, SecretKey = s.SecretKey, Region = s.Region, ForcePathStyle = s.ForcePathStyle,
    };

    private static bool Same(S3MediaOptions a, S3MediaOptions b) =>
        a.ServiceUrl == b.ServiceUrl && a.Bucket == b.Bucket && a.AccessKey == b.AccessKey && a.SecretKey == b.SecretKey && a.Region == b.Region && a.ForcePathStyle == b.ForcePathStyle;
}

/// <summary>An object read lazily with ranged GETs from wherever it is positioned, so a <c>Range</c> request fetches only its bytes.</summary>
internal sealed class S3ObjectStream(IAmazonS3 client, string bucket, string key, long length) : Stream
{
    private GetObjectResponse? _response;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0)
        {
            return 0;
        }

        _response ??= await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, ByteRange = new ByteRange(_position, length - 1) }, cancellationToken);
        var read = await _response.ResponseStream.ReadAsync(buffer, cancellationToken);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        if (target != _position)
        {
            _response?.Dispose();
            _response = null;
            _position = target;
        }

        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _response?.Dispose();
        }

        base.Dispose(disposing);
    }
}
