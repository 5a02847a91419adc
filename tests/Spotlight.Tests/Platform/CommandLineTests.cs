using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

/// <summary>The same executable runs operator commands: migrate, backup, admin create. There is no default administrator anywhere.</summary>
public sealed class CommandLineTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task Migrate_applies_nothing_twice_and_exits_zero()
    {
        var outcome = await SpotlightProcess.RunAsync(app, "migrate");
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        Assert.Contains("Database is migrated.", outcome.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    public async Task Help_prints_every_command_and_exits_without_starting_a_server(string argument)
    {
        var outcome = await SpotlightProcess.RunAsync(app, argument);

        Assert.True(outcome.ExitCode == 0, outcome.Error + outcome.Output);
        foreach (var command in app.Services.GetServices<Spotlight.Platform.Commands.ICliCommand>())
        {
            Assert.Contains(string.Join(' ', command.Words), outcome.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Now listening", outcome.Output + outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_registered_command_is_run_as_a_command_not_taken_for_server_arguments()
    {
        foreach (var command in app.Services.GetServices<Spotlight.Platform.Commands.ICliCommand>())
        {
            var parsed = Spotlight.Platform.Commands.CommandLine.Parse([.. command.Words]);
            Assert.True(parsed.IsCommand, $"'{string.Join(' ', command.Words)}' would start a server");
        }
    }

    [Fact]
    public async Task A_fresh_server_has_no_account_at_all_so_no_default_admin()
    {
        await using var fresh = new SpotlightApp();
        await fresh.InitializeAsync();
        try
        {
            Assert.Equal(0, await fresh.WithDbAsync(db => db.Users.CountAsync()));
        }
        finally
        {
            await ((IAsyncLifetime)fresh).DisposeAsync();
        }
    }

    [Fact]
    public async Task Admin_create_reads_the_password_from_stdin_and_makes_an_admin_who_can_sign_in()
    {
        var email = $"{app.UniqueHandle("root")}@example.com";
        const string password = "correct horse battery staple 42";
        var outcome = await SpotlightProcess.RunAsync(app, $"admin create --email {email} --password-stdin", password);
        Assert.True(outcome.ExitCode == 0, outcome.Error + outcome.Output);
        Assert.DoesNotContain(password, outcome.Output + outcome.Error, StringComparison.Ordinal);

        var login = await app.CreateClientFrom(TestRemoteIp.NextAddress()).PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        var tokens = (await login.Content.ReadFromJsonAsync<TokenPair>(SpotlightApp.Json))!;
        Assert.Contains("admin", tokens.User.Roles);
        Assert.Equal(HttpStatusCode.OK, (await app.Authorized(tokens.AccessToken).GetAsync("/api/v1/admin/users")).StatusCode);
    }

    [Theory]
    [InlineData("qwertyuiop")] // one of the 10,000 most common
    [InlineData("password123")] // not on the list, but easily guessed
    [InlineData("qwertyuiop1")]
    [InlineData("short")]
    [InlineData("")]
    public async Task Admin_create_refuses_a_weak_password(string password)
    {
        var email = $"{app.UniqueHandle("weak")}@example.com";
        var outcome = await SpotlightProcess.RunAsync(app, $"admin create --email {email} --password-stdin", password);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("password", outcome.Error, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.NormalizedEmail == email.ToUpperInvariant())));
    }

    [Fact]
    public async Task Admin_create_refuses_an_existing_email_unless_told_to_promote()
    {
        var user = await app.CreateUserAsync();
        var refused = await SpotlightProcess.RunAsync(app, $"admin create --email {user.Email} --password-stdin", "whatever it is 12345");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--promote", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("admin", await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.Roles).SingleAsync()), StringComparison.Ordinal);

        var promoted = await SpotlightProcess.RunAsync(app, $"admin create --email {user.Email} --password-stdin --promote", "");
        Assert.True(promoted.ExitCode == 0, promoted.Error);
        Assert.Contains("admin", await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.Roles).SingleAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_copies_a_consistent_sqlite_database_or_names_the_pg_dump_to_run()
    {
        var user = await app.CreateUserAsync();
        var file = Path.Combine(app.DataDirectory, $"backup-{Guid.NewGuid():N}.db");
        var outcome = await SpotlightProcess.RunAsync(app, $"backup --out {file}");
        if (TestDatabase.IsPostgres)
        {
            Assert.Equal(3, outcome.ExitCode);
            Assert.Contains("pg_dump --format=custom", outcome.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(file));
            return;
        }

        Assert.True(outcome.ExitCode == 0, outcome.Error);
        await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await copy.OpenAsync();
        await using var command = copy.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM users WHERE \"Id\" = $id";
        command.Parameters.AddWithValue("$id", user.Id.ToString().ToUpperInvariant());
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }
}
