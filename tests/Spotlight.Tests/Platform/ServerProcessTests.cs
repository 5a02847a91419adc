using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

/// <summary>The built server started as an operator starts it (<c>dotnet path/to/Spotlight.dll</c>): from any folder, on its own settings, its files its own.</summary>
public sealed class ServerProcessTests(SpotlightApp app) : IClassFixture<SpotlightApp>, IAsyncLifetime
{
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// A data directory and a database of its own: on SQLite the server creates it in the data directory; on PostgreSQL
    /// a fresh one (the fixture's in-process server would otherwise run this server's jobs, and write its mail).
    /// </summary>
    private static async Task<(Dictionary<string, string> Environment, TestDatabase? Database)> OwnDataAsync(string dataDirectory)
    {
        var environment = new Dictionary<string, string> { ["Spotlight__DataDirectory"] = dataDirectory, ["Jobs__PollIntervalSeconds"] = "0.2" };
        if (!TestDatabase.IsPostgres)
        {
            environment["ConnectionStrings__Default"] = "";
            return (environment, null);
        }

        var database = await TestDatabase.CreateAsync(dataDirectory);
        environment["ConnectionStrings__Default"] = database.ConnectionString;
        return (environment, database);
    }

    private async Task<(SpotlightProcess.Server? Server, SpotlightProcess.Outcome? Refused)> ServeOwnAsync(string workingDirectory, string dataDirectory, string arguments = "")
    {
        var (environment, database) = await OwnDataAsync(dataDirectory);
        _databases.Add(database);
        return await SpotlightProcess.ServeAsync(app, workingDirectory, environment, arguments);
    }

    private readonly List<TestDatabase?> _databases = [];

    public async Task InitializeAsync() => await Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var database in _databases.OfType<TestDatabase>())
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task Started_from_another_folder_it_reads_the_settings_beside_it()
    {
        var elsewhere = Directory.CreateTempSubdirectory("spotlight-cwd-").FullName;
        var (server, refused) = await ServeOwnAsync(elsewhere, Path.Combine(elsewhere, "data"));
        Assert.True(server is not null, refused?.Error);
        await using (server)
        {
            var catalog = await server.Client.GetFromJsonAsync<JsonElement>("/api/v1/gifts/catalog");
            Assert.Contains(catalog.EnumerateArray(), g => g.GetProperty("id").GetString() == "rose");
        }
    }

    [Fact]
    public async Task Without_a_gift_catalog_or_topup_packages_it_refuses_to_start_naming_the_settings()
    {
        var elsewhere = Directory.CreateTempSubdirectory("spotlight-cwd-").FullName;
        var empty = Directory.CreateTempSubdirectory("spotlight-empty-root-").FullName;
        var (server, refused) = await ServeOwnAsync(elsewhere, Path.Combine(elsewhere, "data"), $"--contentRoot \"{empty}\"");
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        Assert.NotNull(refused);
        Assert.Equal(78, refused.ExitCode);
        Assert.Contains("Wallet:Gifts", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Wallet:TopupPackages", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Output + refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Every_file_and_folder_the_server_creates_is_owner_only()
    {
        var data = Path.Combine(Directory.CreateTempSubdirectory("spotlight-files-").FullName, "data");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute); // made by hand, 0755
        var (server, refused) = await ServeOwnAsync(data, data);
        Assert.True(server is not null, refused?.Error);
        await using (server)
        {
            var handle = app.UniqueHandle("files");
            var registered = await server.Client.PostAsJsonAsync("/api/v1/auth/register", new { email = $"{handle}@example.com", password = "Tr0ub4dor&3-files", handle });
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            var mail = Path.Combine(data, "mail");
            for (var i = 0; i < 200 && !(Directory.Exists(mail) && Directory.EnumerateFiles(mail, "*.eml").Any()); i++)
            {
                await Task.Delay(100);
            }

            // Checked while the server runs: SQLite's -wal and -shm exist only then.
            var letters = Directory.EnumerateFiles(mail, "*.eml").ToList();
            Assert.NotEmpty(letters);
            var expected = new List<string> { data, mail, Path.Combine(data, "secrets.json") };
            expected.AddRange(letters);
            if (!TestDatabase.IsPostgres)
            {
                expected.AddRange(new[] { "spotlight.db", "spotlight.db-wal", "spotlight.db-shm", "keys" }.Select(name => Path.Combine(data, name)));
            }

            var everything = Directory.EnumerateFileSystemEntries(data, "*", SearchOption.AllDirectories).Append(data).ToList();
            Assert.All(expected, path => Assert.Contains(path, everything));
            Assert.All(everything, path => Assert.True((File.GetUnixFileMode(path) & GroupOrOthers) == 0, $"{path} is {File.GetUnixFileMode(path)}"));
        }
    }
}
