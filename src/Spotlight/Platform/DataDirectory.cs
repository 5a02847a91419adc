namespace Spotlight.Platform;

/// <summary>Where the embedded database, generated secrets, keys and development mail live (<c>Spotlight:DataDirectory</c>, default <c>./data</c>).</summary>
public sealed record DataDirectory(string Path)
{
    public static DataDirectory Resolve(IConfiguration configuration)
    {
        var configured = configuration["Spotlight:DataDirectory"];
        var path = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "data" : configured);
        if (!Directory.Exists(path))
        {
            var directory = Directory.CreateDirectory(path);
            if (!OperatingSystem.IsWindows())
            {
                directory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            }
        }

        return new DataDirectory(path);
    }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);
}
