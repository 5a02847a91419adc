using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;

namespace Spotlight.Platform.Commands;

/// <summary>A command the executable runs instead of serving (<c>migrate</c>, <c>backup</c>, <c>admin create</c>...).</summary>
public interface ICliCommand
{
    /// <summary>The words that select it, e.g. <c>["admin", "create"]</c>.</summary>
    IReadOnlyList<string> Words { get; }

    string Usage { get; }

    Task<int> RunAsync(IReadOnlyDictionary<string, string?> options, IServiceProvider services, CancellationToken cancellationToken);
}

/// <summary>
/// Splits the process arguments into a command (leading words and its <c>--options</c>) and the host's own
/// arguments, and runs the command against the built application's services.
/// </summary>
public sealed class CommandLine
{
    /// <summary>The first word of every command (a test holds each registered <see cref="ICliCommand"/> to it): anything else starts the server.</summary>
    internal static readonly string[] KnownFirstWords = ["migrate", "backup", "admin", "leaderboards", "help"];

    private static readonly string[] HelpFlags = ["--help", "-h", "-?"];

    private CommandLine(string[] words, Dictionary<string, string?> options, string[] hostArgs)
    {
        Words = words;
        Options = options;
        HostArgs = hostArgs;
    }

    public string[] Words { get; }

    public Dictionary<string, string?> Options { get; }

    public string[] HostArgs { get; }

    public bool IsCommand => Words.Length > 0;

    public static CommandLine Parse(string[] args)
    {
        if (args.Length > 0 && HelpFlags.Contains(args[0], StringComparer.Ordinal))
        {
            return new CommandLine(["help"], [], []);
        }

        if (args.Length == 0 || !KnownFirstWords.Contains(args[0], StringComparer.Ordinal))
        {
            return new CommandLine([], [], args);
        }

        var words = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var rest = args.Skip(words.Length).ToArray();
        for (var i = 0; i < rest.Length; i++)
        {
            var name = rest[i].TrimStart('-');
            var hasValue = i + 1 < rest.Length && !rest[i + 1].StartsWith("--", StringComparison.Ordinal);
            options[name] = hasValue ? rest[++i] : null;
        }

        return new CommandLine(words, options, []);
    }

    public async Task<int> RunAsync(IServiceProvider services)
    {
        var commands = services.GetServices<ICliCommand>().ToList();
        var command = commands.FirstOrDefault(c => c.Words.SequenceEqual(Words, StringComparer.Ordinal));
        if (command is null)
        {
            // Asked for: usage on stdout, success. A word that is no command: usage on stderr, exit 2.
            var usage = "Usage: Spotlight [COMMAND]   (no command: run the server)\n" + string.Join("\n", commands.Select(c => "  " + c.Usage)) +
                "\n  help, --help                    print this and exit";
            if (Words is ["help"])
            {
                await Console.Out.WriteLineAsync(usage);
                return 0;
            }

            await Console.Error.WriteLineAsync(usage);
            return 2;
        }

        try
        {
            return await command.RunAsync(Options, services, CancellationToken.None);
        }
        catch (CommandException exception)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return 1;
        }
    }
}

/// <summary>A failure the command explains to the operator in one line (no stack trace).</summary>
public sealed class CommandException(string message) : Exception(message);

internal sealed class MigrateCommand : ICliCommand
{
    public IReadOnlyList<string> Words => ["migrate"];

    public string Usage => "migrate                         apply pending database migrations and exit";

    public async Task<int> RunAsync(IReadOnlyDictionary<string, string?> options, IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        Console.WriteLine("Database is migrated.");
        return 0;
    }
}

internal sealed class BackupCommand : ICliCommand
{
    public IReadOnlyList<string> Words => ["backup"];

    public string Usage => "backup --out FILE               online backup of the SQLite database (PostgreSQL: prints the pg_dump to use)";

    public async Task<int> RunAsync(IReadOnlyDictionary<string, string?> options, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!options.TryGetValue("out", out var output) || string.IsNullOrWhiteSpace(output))
        {
            throw new CommandException("backup needs --out FILE.");
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        if (services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.IsPostgres)
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
            Console.Error.WriteLine("backup copies SQLite databases only. For PostgreSQL run:");
            Console.Error.WriteLine($"  pg_dump --format=custom --host={builder.Host} --port={builder.Port} --username={builder.Username} --file={output} {builder.Database}");
            return 3;
        }

        // The online backup API copies a consistent snapshot while the server keeps writing.
        await using var source = new SqliteConnection(db.Database.GetConnectionString());
        await source.OpenAsync(cancellationToken);
        await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(output), Pooling = false }.ToString());
        await target.OpenAsync(cancellationToken);
        source.BackupDatabase(target);
        Console.WriteLine($"Backed up to {Path.GetFullPath(output)}");
        return 0;
    }
}
