using Spotlight.Admin;
using Spotlight.Content;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Live;
using Spotlight.Matching;
using Spotlight.Messaging;
using Spotlight.Moderation;
using Spotlight.Notifications;
using Spotlight.Platform;
using Spotlight.Platform.Commands;
using Spotlight.Realtime;
using Spotlight.Social;
using Spotlight.Wallet;
using Spotlight.Webhooks;

// `Spotlight migrate`, `Spotlight backup --out F`, `Spotlight admin create ...` run a command instead of serving.
var commandLine = CommandLine.Parse(args);
try
{
    var builder = WebApplication.CreateBuilder(ContentRoot.Options(commandLine.HostArgs));

    builder.AddPlatform();
    builder.AddData();
    builder.AddIdentity();
    builder.AddSocial();
    builder.AddWallet();
    builder.AddContent();
    builder.AddLive();
    builder.AddMatching();
    builder.AddMessaging();
    builder.AddRealtime();
    builder.AddNotifications();
    builder.AddModeration();
    builder.AddWebhooks();
    builder.AddAdmin();

    var app = builder.Build();
    app.Services.RefuseInvalidSettings(); // every ValidateOnStart check, before a command, migrations or the first request
    if (commandLine.IsCommand)
    {
        return await commandLine.RunAsync(app.Services);
    }

    app.UsePlatform();
    app.MapPlatform();
    app.MapIdentity();
    app.MapSocial();
    app.MapWallet();
    app.MapContent();
    app.MapLive();
    app.MapMatching();
    app.MapMessaging();
    app.MapRealtime();
    app.MapNotifications();
    app.MapModeration();
    app.MapWebhooks();
    app.MapAdmin();

    await app.MigrateOnStartupAsync();
    await app.RunAsync();
    return 0;
}
catch (StartupRefusedException refused) when (System.Reflection.Assembly.GetEntryAssembly() == typeof(Program).Assembly)
{
    // Only when this is the process's own entry point: hosted in a test, the exception goes to the host that called us.
    await Console.Error.WriteLineAsync("Spotlight did not start: " + refused.Message);
    return StartupRefusedException.ExitCode;
}

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
