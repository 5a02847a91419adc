using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Messaging;

namespace Spotlight.Tests.Realtime;

/// <summary>The official JavaScript client (<c>@microsoft/signalr</c>, run by Node from tests/signalr-node) against a real Kestrel port.</summary>
public sealed class OfficialClientTests(OfficialClientTests.App app) : IClassFixture<OfficialClientTests.App>
{
    public sealed class App : SpotlightApp
    {
        public App() => UseKestrel(0);

        public string BaseAddress => Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .First(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("[::]", "127.0.0.1", StringComparison.Ordinal)
            .Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            StartServer();
        }
    }

    [Fact]
    public async Task The_official_signalr_client_connects_sends_and_receives_a_message()
    {
        var (ann, bob) = (await app.CreateUserAsync(), await app.CreateUserAsync());
        var conversation = await Chat.DirectAsync(ann, bob);
        var project = Path.Combine(RepositoryRoot(), "tests", "signalr-node");
        if (!Directory.Exists(Path.Combine(project, "node_modules", "@microsoft", "signalr")))
        {
            var install = await RunAsync("npm", project, "ci", "--no-audit", "--no-fund");
            Assert.True(install.ExitCode == 0, "npm ci failed: " + install.Output);
        }

        var check = await RunAsync("node", project, "check.mjs", app.BaseAddress, ann.AccessToken, bob.AccessToken, conversation.ToString());

        Assert.True(check.ExitCode == 0, $"node check.mjs exited {check.ExitCode}: {check.Output}");
        Assert.Contains("\"badTokenRefused\":true", check.Output, StringComparison.Ordinal);
        Assert.Contains("hello from @microsoft/signalr", (await Chat.HistoryAsync(bob, conversation))[0].GetProperty("text").GetString(), StringComparison.Ordinal);
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

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, (await output) + (await error));
    }
}
