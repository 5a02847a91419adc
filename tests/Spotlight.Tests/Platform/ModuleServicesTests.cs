using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

/// <summary>The app's service registrations, as the modules made them (captured before the container is built).</summary>
public sealed class ServiceRegistrationsApp : SpotlightApp
{
    public IReadOnlyList<ServiceDescriptor> Registrations { get; private set; } = [];

    protected override void ConfigureTestServices(IServiceCollection services) => Registrations = [.. services];
}

/// <summary>
/// Issue 15's rule "no feature reads another's settings through a replaced service": a module implements its own
/// interfaces; another module's interface is implemented only where that interface is an extension point meant for it.
/// </summary>
public sealed class ModuleServicesTests(ServiceRegistrationsApp app) : IClassFixture<ServiceRegistrationsApp>
{
    /// <summary>Interfaces a module offers for others to plug into: listeners, commands, signal deliveries.</summary>
    private static readonly HashSet<string> ExtensionPoints =
    [
        "Spotlight.Identity.IUserEventsListener", // features react to bans and account changes
        "Spotlight.Identity.Tokens.ISessionStateListener", // the realtime fan-out carries session evictions to every node
        "Spotlight.Platform.Commands.ICliCommand", // each feature adds its commands to the server executable
        "Spotlight.Realtime.Fanout.ISignalDelivery", // features deliver their own signals that crossed nodes
        "Spotlight.Platform.Storage.IUserStorage", // each feature that stores a user's files counts them toward one quota
        "Spotlight.Moderation.IReportTarget", // each module makes its own things reportable and moderatable
        "Spotlight.Identity.Account.IPersonalData", // each module exports and erases its own share of a user's data (GDPR)
        "Spotlight.Realtime.Hub.IConversationCommands", // the module that owns conversations carries out the hub's conversation methods
        "Spotlight.Realtime.Presence.IPresenceAudience", // modules that know relationships say who sees a user's presence
        "Spotlight.Realtime.Live.ILiveAccess", // the module that runs lives says who may join a live's room on the hub
        "Spotlight.Realtime.Live.ILiveViewers", // the module that runs lives counts who watches them through the hub
        "Spotlight.Realtime.Presence.IUserOfflineListener", // features let go of what needs a user in the app (matching's queue)
    ];

    private static string? Module(Type type) =>
        type.Namespace is { } ns && ns.StartsWith("Spotlight.", StringComparison.Ordinal) && !ns.StartsWith("Spotlight.Tests", StringComparison.Ordinal)
            ? ns.Split('.')[1] : null;

    [Fact]
    public void No_module_registers_an_implementation_of_another_modules_interface_except_extension_points()
    {
        var crossing = app.Registrations
            .Where(d => d.ServiceType.IsInterface && d.ImplementationType is not null && !ExtensionPoints.Contains(d.ServiceType.FullName!))
            .Where(d => Module(d.ServiceType) is { } owner && Module(d.ImplementationType!) is { } implementer && owner != implementer)
            .Select(d => $"{d.ServiceType.FullName} ← {d.ImplementationType!.FullName}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(crossing.Count == 0, "Across modules:\n" + string.Join("\n", crossing));
    }
}
