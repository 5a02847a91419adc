using Spotlight.Platform;

namespace Spotlight.Messaging.Attachments;

/// <summary>Where upload bytes live: the data directory by default; an object store (S3) can stand in behind the same interface.</summary>
public interface IAttachmentStore
{
    Task SaveAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    Task<Stream?> OpenAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>Files under <c>{data}/attachments</c>; keys are server-made (<c>yyyy/MM/id</c>), never a client's file name.</summary>
internal sealed class LocalDiskAttachmentStore(DataDirectory dataDirectory) : IAttachmentStore
{
    private readonly string _root = dataDirectory.Combine("attachments");

    public async Task SaveAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".partial";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    public Task<Stream?> OpenAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        return Task.FromResult<Stream?>(File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true) : null);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException("An attachment key must stay inside the attachment folder.", nameof(key));
        }

        return path;
    }
}
