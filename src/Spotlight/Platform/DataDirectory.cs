namespace Spotlight.Platform;

/// <summary>Where the embedded database, generated secrets, keys and development mail live (<c>Spotlight:DataDirectory</c>, default <c>./data</c>).</summary>
public sealed record DataDirectory(string Path)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static DataDirectory Resolve(IConfiguration configuration)
    {
        var configured = configuration["Spotlight:DataDirectory"];
        var path = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? "data" : configured);
        var directory = Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows() && (directory.UnixFileMode & ~OwnerOnly) != 0 && (directory.UnixFileMode & UnixFileMode.StickyBit) == 0)
        {
            // Also one made by an older version or by hand: what is inside (database, secrets, mail) is the server's alone.
            // A sticky folder such as /tmp is shared by design and left as it is.
            directory.UnixFileMode = OwnerOnly;
        }

        return new DataDirectory(path);
    }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);
}
