using System.Diagnostics;

namespace Spotlight.Tests.Infrastructure;

/// <summary>Runs the server executable as an operator would (<c>Spotlight migrate</c>, <c>admin create</c>...), against a test's database.</summary>
public static class SpotlightProcess
{
    public sealed record Outcome(int ExitCode, string Output, string Error);

    public static async Task<Outcome> RunAsync(
        SpotlightApp app, string arguments, string? standardInput = null, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        using var process = Process.Start(StartInfo(app, arguments, environment, workingDirectory))!;
        if (standardInput is not null)
        {
            await process.StandardInput.WriteLineAsync(standardInput);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Outcome(process.ExitCode, await output, await error);
    }

    /// <summary>
    /// Serves on a free loopback port from <paramref name="workingDirectory"/>, as <c>dotnet path/to/Spotlight.dll</c>
    /// would; returns once <c>/health/live</c> answers, or with the exit outcome if the server refused to start.
    /// </summary>
    public static async Task<(Server? Server, Outcome? Refused)> ServeAsync(
        SpotlightApp app, string workingDirectory, IDictionary<string, string>? environment = null, string arguments = "")
    {
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" };
        }

        var process = Process.Start(StartInfo(app, arguments, environment, workingDirectory))!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var client = new HttpClient { BaseAddress = new Uri(environment["ASPNETCORE_URLS"]) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                client.Dispose();
                var outcome = new Outcome(process.ExitCode, await output, await error);
                process.Dispose();
                return (null, outcome);
            }

            try
            {
                if ((await client.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return (new Server(process, client, output, error), null);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The server did not start within 60 s: " + await error);
    }

    private static ProcessStartInfo StartInfo(SpotlightApp app, string arguments, IDictionary<string, string>? environment, string? workingDirectory)
    {
        var dll = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\" {arguments}")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(dll)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["Database__Provider"] = app.Database.Provider;
        start.Environment["ConnectionStrings__Default"] = app.Database.ConnectionString;
        start.Environment["Spotlight__DataDirectory"] = app.DataDirectory;
        start.Environment["Identity__PasswordHashIterations"] = "1000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>A running server process; disposing stops it (SIGTERM, then kill after 30 s).</summary>
    public sealed class Server(Process process, HttpClient client, Task<string> output, Task<string> error) : IAsyncDisposable
    {
        public HttpClient Client => client;

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            if (!process.HasExited)
            {
                using var stop = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await stop.WaitForExitAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            await Task.WhenAll(output, error);
            process.Dispose();
        }
    }
}
