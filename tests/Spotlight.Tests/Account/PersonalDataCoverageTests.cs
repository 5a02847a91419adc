using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Identity.Account;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Account;

/// <summary>
/// Every table that names a user takes part in export and deletion: a user-id column (by its name, or a foreign key to
/// the users table) must be covered by some module's <see cref="IPersonalData.Covers"/>, or be on the list below of
/// columns whose rows deliberately stay as they are when an account is deleted. A new table with a user id fails here
/// until its module says what becomes of it.
/// </summary>
public sealed class PersonalDataCoverageTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    /// <summary>Columns whose rows stay untouched after a deletion, pointing at the anonymized account, and why.</summary>
    private static readonly HashSet<string> Stay =
    [
        // The books: ledger rows are never changed or deleted (append-only double entry); a deleted account's entries,
        // balances and counterparties stay so every reconciliation after the deletion still balances.
        "Spotlight.Wallet.Ledger.LedgerAccount.OwnerId",
        "Spotlight.Wallet.Ledger.LedgerEntry.CounterpartyId",
        "Spotlight.Wallet.Ledger.LedgerTransaction.InitiatorId",
        // The audit log is append-only: who did what stays, the actor now the anonymized account.
        "Spotlight.Platform.Audit.AuditEntry.ActorId",
        // Staff who acted on someone else's record: the record belongs to the other party (or the platform).
        "Spotlight.Wallet.Payouts.Payout.DecidedBy",
        "Spotlight.Wallet.Reconciliation.LedgerReconciliation.RequestedBy",
        "Spotlight.Identity.Creators.CreatorApplication.DecidedBy",
        "Spotlight.Moderation.Reports.ModerationCase.ResolvedBy",
        "Spotlight.Live.Lives.LiveKick.KickedBy",
        "Spotlight.Live.Lives.LiveSession.EndedBy",
        "Spotlight.Admin.Settings.IntegrationSetting.UpdatedBy",
        // The hub's transport state: a deletion closes every connection at once, and these rows go with the connections.
        "Spotlight.Realtime.Presence.RealtimeConnection.UserId",
        "Spotlight.Realtime.Presence.UserPresence.UserId",
    ];

    /// <summary>Names a Guid column holds a user's id by: <c>*UserId</c>, a person's role, or a staff action (<c>*By</c>).</summary>
    private static readonly string[] PersonNames =
    [
        "UserA", "UserB", "SenderId", "RecipientId", "AuthorId", "OwnerId", "FollowerId", "FolloweeId", "BlockerId", "BlockedId",
        "ReporterId", "SubscriberId", "BuyerId", "UploaderId", "ViewerId", "InitiatorId", "ActorId", "CounterpartyId", "MemberId",
    ];

    private static bool LooksLikeAUser(IProperty property) =>
        LooksLikeAUser(property.Name, property.ClrType, property.GetContainingForeignKeys().Any(fk => fk.PrincipalEntityType.ClrType == typeof(User)));

    private static bool LooksLikeAUser(string name, Type type, bool referencesUsers) =>
        (type == typeof(Guid) || type == typeof(Guid?))
        && (referencesUsers || name.EndsWith("UserId", StringComparison.Ordinal) || name.EndsWith("CreatorId", StringComparison.Ordinal)
            || name.EndsWith("By", StringComparison.Ordinal) || PersonNames.Contains(name));

    private static string Name(Type entity, string property) => $"{entity.FullName}.{property}";

    [Fact]
    public async Task Every_user_id_column_is_covered_by_a_modules_personal_data_or_listed_as_staying()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var covered = scope.ServiceProvider.GetServices<IPersonalData>().SelectMany(p => p.Covers).Select(c => Name(c.Entity, c.Property)).ToHashSet();

        var userColumns = db.Model.GetEntityTypes()
            .SelectMany(e => e.GetProperties().Where(LooksLikeAUser).Select(p => Name(e.ClrType, p.Name)))
            .ToList();
        Assert.NotEmpty(userColumns);

        var uncovered = userColumns.Where(c => !covered.Contains(c) && !Stay.Contains(c)).Order(StringComparer.Ordinal).ToList();
        Assert.True(uncovered.Count == 0,
            "These columns hold a user's id but no module's IPersonalData covers them (export and erase them, or list them as staying, saying why):\n"
            + string.Join("\n", uncovered));
        var both = Stay.Intersect(covered).ToList();
        Assert.True(both.Count == 0, "Listed as staying and covered too: " + string.Join(", ", both));
    }

    [Fact]
    public async Task What_the_modules_and_the_list_name_exists_in_the_model()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var columns = db.Model.GetEntityTypes().SelectMany(e => e.GetProperties().Select(p => Name(e.ClrType, p.Name))).ToHashSet();
        var named = scope.ServiceProvider.GetServices<IPersonalData>().SelectMany(p => p.Covers).Select(c => Name(c.Entity, c.Property)).Concat(Stay);
        Assert.DoesNotContain(named, n => !columns.Contains(n));
    }

    [Fact]
    public async Task Each_kind_of_data_is_exported_by_one_module()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var kinds = scope.ServiceProvider.GetServices<IPersonalData>().SelectMany(p => p.Kinds).ToList();
        Assert.Equal(kinds.Count, kinds.Distinct(StringComparer.Ordinal).Count());
        Assert.Superset(new HashSet<string> { "profile", "sessions", "follows", "blocks", "posts", "comments", "likes", "messages", "transactions", "subscriptions", "payouts", "notifications", "reports" },
            kinds.ToHashSet());
    }

    [Fact]
    public void The_rule_sees_a_new_table_with_a_user_id()
    {
        // A stand-in entity the modules know nothing of: its user columns are seen, its other ids are not.
        var columns = typeof(Bookmark).GetProperties().Where(p => LooksLikeAUser(p.Name, p.PropertyType, referencesUsers: false)).Select(p => p.Name).ToList();
        Assert.Equal(["OwnerId", "ReviewedBy", "UserId"], columns.Order(StringComparer.Ordinal).ToList());
    }

    private sealed class Bookmark
    {
        public Guid Id { get; set; }

        public Guid UserId { get; set; }

        public Guid? OwnerId { get; set; }

        public Guid ReviewedBy { get; set; }

        public Guid PostId { get; set; }
    }
}
