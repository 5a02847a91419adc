using System.Diagnostics;

namespace Spotlight.Tests.Infrastructure;

/// <summary>Runs the server executable as an operator would (<c>Spotlight migrate</c>, <c>admin create</c>...), against a test's database.</summary>
public static class SpotlightProcess
{
    public sealed record Outcome(int ExitCode, string Output, string Error);

    public static async Task<Outcome> RunAsync(SpotlightApp app, string arguments, string? standardInput = null, IDictionary<string, string>? environment = null)
    {
        var dll = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\" {arguments}")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
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

        using var process = Process.Start(start)!;
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
}
