using Mono.Cecil;

namespace Spotlight.Tests.Platform;

/// <summary>
/// What each module shows the others: the sorted list of its public types must equal the snapshot committed beside this
/// test (<c>public-surface/&lt;Module&gt;.txt</c>). A new public type is a new way in for every other module, so it is a
/// reviewed change, not an accident of a missing <c>internal</c>: the test names what was added or removed, and the
/// snapshots are regenerated on purpose with <c>SPOTLIGHT_UPDATE_SURFACE=1 dotnet test --filter PublicSurface</c>.
/// </summary>
public sealed class PublicSurfaceTests
{
    public const string UpdateVariable = "SPOTLIGHT_UPDATE_SURFACE";

    public static readonly TheoryData<string> Modules =
        ["Identity", "Wallet", "Social", "Content", "Messaging", "Notifications", "Realtime", "Moderation", "Admin", "Platform", "Data", "Live", "Matching", "Webhooks"];

    private static readonly Lazy<ModuleDefinition> Server = new(CompiledServer.Read);

    [Theory]
    [MemberData(nameof(Modules))]
    public void The_public_types_of_a_module_are_the_reviewed_ones(string module)
    {
        var actual = PublicTypes(Server.Value, module);
        var file = SnapshotPath(module);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllLines(file, actual);
            return;
        }

        var expected = File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0).ToList() : [];
        var difference = Compare(module, expected, actual);
        Assert.True(difference is null, difference);
    }

    [Fact]
    public void A_new_public_type_fails_with_what_was_added_and_how_to_regenerate()
    {
        var committed = new[] { "Spotlight.Wallet.Gifts.SendGift", "Spotlight.Wallet.WalletModule" };
        var compiled = new[] { "Spotlight.Wallet.Gifts.SendGift", "Spotlight.Wallet.Ledger.LedgerRow", "Spotlight.Wallet.WalletModule" };

        var message = Compare("Wallet", committed, compiled);

        Assert.NotNull(message);
        Assert.Contains("+ Spotlight.Wallet.Ledger.LedgerRow", message, StringComparison.Ordinal);
        Assert.DoesNotContain("- ", message, StringComparison.Ordinal);
        Assert.Contains("SPOTLIGHT_UPDATE_SURFACE=1 dotnet test --filter PublicSurface", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_made_internal_fails_with_what_was_removed_and_an_unchanged_surface_passes()
    {
        var committed = new[] { "Spotlight.Social.IBlockList", "Spotlight.Social.IFollowGraph" };

        var removed = Compare("Social", committed, ["Spotlight.Social.IBlockList"]);

        Assert.NotNull(removed);
        Assert.Contains("- Spotlight.Social.IFollowGraph", removed, StringComparison.Ordinal);
        Assert.Null(Compare("Social", committed, committed));
    }

    [Fact]
    public void The_surface_is_read_from_the_compiled_server_with_nested_public_types_and_without_internal_ones()
    {
        var platform = PublicTypes(Server.Value, "Platform");
        Assert.Contains("Spotlight.Platform.StartupRefusedException", platform);
        Assert.DoesNotContain(platform, t => t.Contains("TrustedProxies", StringComparison.Ordinal)); // internal
        Assert.Equal(platform.Order(StringComparer.Ordinal), platform);
    }

    /// <summary>The public types of <paramref name="module"/> (nested ones as <c>Outer/Inner</c>), sorted ordinally.</summary>
    internal static List<string> PublicTypes(ModuleDefinition server, string module) =>
        [.. server.GetTypes()
            .Where(t => CompiledServer.IsPublic(t) && CompiledServer.ModuleOf(CompiledServer.Outermost(t).Namespace) == module)
            .Select(t => t.FullName)
            .Order(StringComparer.Ordinal)];

    /// <summary>Null when the lists hold the same types; otherwise what was added and removed, and what to do.</summary>
    internal static string? Compare(string module, IEnumerable<string> committed, IEnumerable<string> compiled)
    {
        var expected = committed.ToHashSet(StringComparer.Ordinal);
        var actual = compiled.ToHashSet(StringComparer.Ordinal);
        var added = actual.Except(expected).Order(StringComparer.Ordinal).ToList();
        var removed = expected.Except(actual).Order(StringComparer.Ordinal).ToList();
        if (added.Count == 0 && removed.Count == 0)
        {
            return null;
        }

        return $"The public surface of {module} changed (public-surface/{module}.txt):\n"
            + string.Concat(added.Select(t => $"+ {t}\n"))
            + string.Concat(removed.Select(t => $"- {t}\n"))
            + "Make a type internal unless another module needs it. If the change is meant, review it and regenerate the snapshots with "
            + $"{UpdateVariable}=1 dotnet test --filter PublicSurface";
    }

    private static string SnapshotPath(string module) =>
        Path.Combine(CompiledServer.RepositoryRoot(), "tests", "Spotlight.Tests", "Platform", "public-surface", module + ".txt");
}
