using System.Globalization;
using Spotlight.Admin.Dashboard;
using Spotlight.Wallet;

namespace Spotlight.Admin.Money;

/// <summary>
/// The dashboard's money section, from the wallet's read model: coins topped up, gifted and paid out today (UTC),
/// the platform's revenue today, payouts waiting for a decision, the ledger's state at the last reconciliation, and coins
/// gifted per day over 30 days. Administrators only (moderators see no money; docs/admin-console.md).
/// </summary>
internal sealed class MoneyDashboard(IWalletReadModel wallet, WalletOptions options, TimeProvider time) : IDashboardSource
{
    public const int Days = 30;

    public int Order => 50;

    public bool AdminOnly => true;

    public async Task<DashboardSection> ReadAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var days = await wallet.GetDailyTotalsAsync(today.AddDays(-(Days - 1)), today, cancellationToken);
        var now = days[^1];
        var pending = await wallet.GetPendingPayoutsAsync(cancellationToken);
        var last = await wallet.GetLastReconciliationAsync(cancellationToken);
        var sinceMidnight = "Since 00:00 UTC";
        var ledgerHint = last is null
            ? $"Not checked yet: the reconciliation runs every {options.ReconciliationIntervalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min"
            : last.Balanced
                ? $"Checked {last.CheckedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC ({last.Entries.ToString("N0", CultureInfo.InvariantCulture)} entries)"
                : $"{last.Mismatches} mismatch{(last.Mismatches == 1 ? "" : "es")} at {last.CheckedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";
        var points = days.Select(d =>
        {
            var key = d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return new ChartPoint(d.Day.ToString("MMM d", CultureInfo.InvariantCulture), d.Gifted, $"{key}: {d.Gifted.ToString("N0", CultureInfo.InvariantCulture)} coins gifted");
        }).ToList();

        return new DashboardSection("money", "Money",
        [
            new DashboardTile("money.toppedUpToday", "Coins topped up today", now.ToppedUp, TileFormat.Coins, sinceMidnight + ", credited by payment providers", "/admin/money?type=topup"),
            new DashboardTile("money.giftedToday", "Coins gifted today", now.Gifted, TileFormat.Coins, sinceMidnight, "/admin/money?type=gift"),
            new DashboardTile("money.paidOutToday", "Coins paid out today", now.PaidOut, TileFormat.Coins, sinceMidnight + ", payouts paid", "/admin/payouts?status=paid"),
            new DashboardTile("money.revenueToday", "Platform revenue today", now.PlatformRevenue, TileFormat.Coins, sinceMidnight + ", the platform's share net of reversals"),
            new DashboardTile("money.pendingPayouts", "Pending payouts", pending.Count, TileFormat.Count,
                $"{pending.Coins.ToString("N0", CultureInfo.InvariantCulture)} coins waiting for a decision", "/admin/payouts"),
            new DashboardTile("money.ledger", "Ledger", last is null ? null : last.Balanced ? 1 : 0, TileFormat.Balanced, ledgerHint, "/admin/money/reconciliation",
                Alert: last is { Balanced: false }),
        ],
        [
            new DashboardChart("money.giftedPerDay", "Coins gifted per day, last 30 days", ChartKind.Bar, "Coins", TileFormat.Coins, points,
                points.All(p => p.Value == 0) ? "No gifts in the last 30 days." : null),
        ],
        Note: "Days are UTC. Amounts are in coins.");
    }
}
