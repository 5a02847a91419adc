using System.Diagnostics;

namespace Spotlight.Tests.Platform;

/// <summary>
/// `dotnet run` writes the development data (database, generated keys, the sandbox's webhook secret) into
/// <c>src/Spotlight/data/</c>. None of it may travel into a build or publish folder, where it would ship with the app.
/// </summary>
public sealed class PublishHasNoSecretsTests
{
    [Fact]
    public async Task A_publish_folder_holds_nothing_from_the_development_data_directory()
    {
        var project = Path.Combine(CompiledServer.RepositoryRoot(), "src", "Spotlight");
        var data = Path.Combine(project, "data");
        var created = !Directory.Exists(data);
        var canary = Path.Combine(data, $"secrets-canary-{Guid.NewGuid():N}.json");
        var output = Directory.CreateTempSubdirectory("spotlight-publish-").FullName;
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(canary, """{ "Jwt": { "SigningKey": "canary" } }""");
        try
        {
            // --no-build: the suite already built the server; publishing copies its content items, which is what leaked.
            var (exit, log) = await RunAsync("dotnet", $"publish \"{project}\" -c Release --no-build --no-restore -o \"{output}\" -nologo");
            Assert.True(exit == 0, log);
            Assert.True(File.Exists(Path.Combine(output, "Spotlight.dll")), log);
            var leaked = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(f).StartsWith("secrets", StringComparison.Ordinal) || Path.GetFileName(f) == "payments-sandbox.json"
                            || f.Contains($"{Path.DirectorySeparatorChar}data{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .ToList();
            Assert.Empty(leaked);
        }
        finally
        {
            File.Delete(canary);
            if (created)
            {
                Directory.Delete(data, recursive: true);
            }

            Directory.Delete(output, recursive: true);
        }
    }

    private static async Task<(int Exit, string Log)> RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
