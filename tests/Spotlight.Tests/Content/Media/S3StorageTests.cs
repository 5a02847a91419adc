using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.EntityFrameworkCore;
using Spotlight.Content.Media;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Content.Media;

/// <summary>
/// A server storing media in S3: a real S3-speaking server (npm's s3rver, installed beside this file by <c>npm ci</c>) started
/// on a free loopback port for the fixture's life, with the bucket made at start-up.
/// </summary>
public sealed class S3MediaApp : SpotlightApp
{
    public const string Bucket = "spotlight-media";
    private Process? _s3rver;
    private string _s3Directory = "";

    public int Port { get; private set; }

    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Content:Media:Storage"] = "s3",
        ["Content:Media:S3:ServiceUrl"] = ServiceUrl,
        ["Content:Media:S3:Bucket"] = Bucket,
        ["Content:Media:S3:AccessKey"] = "S3RVER", // s3rver's built-in credentials
        ["Content:Media:S3:SecretKey"] = "S3RVER",
    };

    public override async Task InitializeAsync()
    {
        if (!ToolFactAttribute.Required && !(ToolFactAttribute.IsInstalled("node") && ToolFactAttribute.IsInstalled("npm")))
        {
            await base.InitializeAsync(); // its tests are skipped (ToolFact): no S3 server to start
            return;
        }

        var folder = Path.Combine(RepositoryRoot(), "tests", "Spotlight.Tests", "Content", "Media", "s3");
        if (!File.Exists(Path.Combine(folder, "node_modules", "s3rver", "bin", "s3rver.js")))
        {
            var install = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true })!;
            await install.WaitForExitAsync();
            Assert.True(install.ExitCode == 0, "npm ci for s3rver failed: " + await install.StandardError.ReadToEndAsync());
        }

        Port = FreePort();
        _s3Directory = Directory.CreateTempSubdirectory("spotlight-s3rver-").FullName;
        _s3rver = Process.Start(new ProcessStartInfo("node",
            [Path.Combine(folder, "node_modules", "s3rver", "bin", "s3rver.js"), "--directory", _s3Directory, "--address", "127.0.0.1",
             "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", Bucket, "--silent"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var watch = Stopwatch.StartNew();
        while (!await ListensAsync(Port))
        {
            Assert.True(!_s3rver.HasExited && watch.Elapsed < TimeSpan.FromSeconds(30), "s3rver did not start: " + (_s3rver.HasExited ? await _s3rver.StandardError.ReadToEndAsync() : "timeout"));
            await Task.Delay(100);
        }

        await base.InitializeAsync();
    }

    public AmazonS3Client Client() => new(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
    {
        ServiceURL = ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED, ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    protected override Task DisposeFixtureAsync()
    {
        if (_s3rver is { HasExited: false })
        {
            _s3rver.Kill(entireProcessTree: true);
            _s3rver.WaitForExit();
        }

        _s3rver?.Dispose();
        try
        {
            if (_s3Directory.Length > 0)
            {
                Directory.Delete(_s3Directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> ListensAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Spotlight.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Spotlight.slnx not found above " + AppContext.BaseDirectory);
    }
}

public sealed class S3StorageTests(S3MediaApp app) : IClassFixture<S3MediaApp>
{
    [ToolFact("node", "npm")]
    public async Task A_photo_goes_to_the_bucket_is_served_from_it_in_ranges_and_leaves_it_when_deleted()
    {
        var user = await app.CreateUserAsync();
        var media = await user.Client.UploadOkAsync(MediaSamples.Jpeg(400, 300, noise: true), "s3.jpg", "image/jpeg");
        var id = Guid.Parse(media.GetProperty("id").GetString()!);
        var key = await app.WithDbAsync(db => db.Set<MediaItem>().Where(m => m.Id == id).Select(m => m.StorageKey).SingleAsync());
        Assert.StartsWith("s3:", key, StringComparison.Ordinal);
        using var s3 = app.Client();
        using var stored = await s3.GetObjectAsync(S3MediaApp.Bucket, key[3..]);
        using var copy = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(copy);
        Assert.Equal("image/jpeg", stored.Headers.ContentType);

        var served = await app.CreateClient().GetByteArrayAsync(media.GetProperty("url").GetString());
        Assert.Equal(copy.ToArray(), served);
        var ranged = new HttpRequestMessage(HttpMethod.Get, media.GetProperty("url").GetString());
        ranged.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(10, 49);
        var part = await app.CreateClient().SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(served[10..50], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(media.GetProperty("thumbnailUrl").GetString())).StatusCode);

        await (await user.Client.DeleteAsync($"/api/v1/media/{id}")).ShouldBeAsync(HttpStatusCode.NoContent);

        var listing = await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = S3MediaApp.Bucket, Prefix = key[3..] });
        Assert.Empty(listing.S3Objects ?? []);
        Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "media"))
            && Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "media"), id.ToString("N") + "*", SearchOption.AllDirectories).Any()); // never on local disk
    }

    [ToolFact("node", "npm")]
    public async Task The_storage_backend_chosen_in_the_console_takes_the_next_upload_and_earlier_media_stay_readable()
    {
        var admin = await app.CreateAdminAsync();
        var user = await app.CreateUserAsync();
        var inS3 = await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "before.jpg", "image/jpeg");

        await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/storage", new { backend = "local" })).ShouldBeAsync(HttpStatusCode.OK);
        try
        {
            var onDisk = await user.Client.UploadOkAsync(MediaSamples.Jpeg(), "after.jpg", "image/jpeg");

            var id = Guid.Parse(onDisk.GetProperty("id").GetString()!);
            Assert.StartsWith("local:", await app.WithDbAsync(db => db.Set<MediaItem>().Where(m => m.Id == id).Select(m => m.StorageKey).SingleAsync()), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(onDisk.GetProperty("url").GetString())).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(inS3.GetProperty("url").GetString())).StatusCode);
            await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/storage", new { backend = "ftp" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        }
        finally
        {
            await (await admin.Client.PutAsJsonAsync("/api/v1/admin/settings/integrations/storage", new { backend = "s3" })).ShouldBeAsync(HttpStatusCode.OK);
        }
    }
}
