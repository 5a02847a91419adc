namespace Spotlight.Tests.Infrastructure;

/// <summary>
/// A test that needs a program outside .NET (ffmpeg for sample videos, node/npm for the S3 server). On a developer machine
/// without it the test is skipped with the command that installs it, so `dotnet test` on a fresh clone runs the rest. CI
/// sets <c>SPOTLIGHT_REQUIRE_TOOLS=1</c>: there nothing is skipped, and a missing program fails the run.
/// </summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        if (Required)
        {
            return;
        }

        var missing = tools.Where(t => !IsInstalled(t)).ToList();
        if (missing.Count > 0)
        {
            Skip = $"Needs {string.Join(" and ", missing)} on the PATH (apt-get install {string.Join(' ', missing.Select(Package).Distinct())}); .ci/run installs it.";
        }
    }

    public static bool Required => Environment.GetEnvironmentVariable("SPOTLIGHT_REQUIRE_TOOLS") == "1";

    public static bool IsInstalled(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, tool)));

    private static string Package(string tool) => tool switch
    {
        "ffprobe" => "ffmpeg",
        "node" => "npm",
        _ => tool,
    };
}
