using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Admin.Money;
using Spotlight.Data;
using Spotlight.Wallet;
using Spotlight.Wallet.Reconciliation;

namespace Spotlight.Admin.Pages.Money;

/// <summary>
/// The ledger's reconciliations: the latest (or one chosen from the history) with its mismatches, and "Run now", which
/// runs the wallet's reconciliation at once and keeps its outcome like the scheduled job does (the dashboard's ledger
/// status follows), with an audit entry naming who ran it.
/// </summary>
public sealed class ReconciliationModel(SpotlightDb db, IWalletReadModel wallet, LedgerReconciliationRecorder recorder, WalletOptions options) : AdminPage
{
    public const int HistorySize = 20;

    [BindProperty(SupportsGet = true)]
    public Guid? Run { get; set; }

    public ReconciliationRun? Shown { get; private set; }

    public IReadOnlyList<ReconciliationRun> History { get; private set; } = [];

    public IReadOnlyDictionary<Guid, string> Handles { get; private set; } = new Dictionary<Guid, string>();

    public List<string> Errors { get; } = [];

    public double IntervalMinutes => options.ReconciliationIntervalMinutes;

    public ReconciliationRun? Latest => History.Count > 0 ? History[0] : null;

    public async Task OnGetAsync()
    {
        await LoadAsync();
        if (Run is not null && Shown is null)
        {
            Errors.Add("No reconciliation has this id; the latest is shown.");
            Shown = Latest;
        }
    }

    public async Task<IActionResult> OnPostRunAsync()
    {
        if (!IsAdmin)
        {
            return Forbid(AdminCookie.Scheme);
        }

        var (report, runId) = await recorder.RunAsync(db, CurrentUserId, HttpContext.RequestAborted);
        Flash(report.Balanced
            ? $"The ledger is balanced: {MoneyText.Coins(report.Entries)} entries checked in {MoneyText.Coins(report.DurationMs)} ms."
            : $"The ledger is NOT balanced: {report.Mismatches.Count} mismatch(es). An entry is in the audit log and the metric spotlight_ledger_unbalanced is 1.");
        return Redirect($"/admin/money/reconciliation?run={runId}");
    }

    private async Task LoadAsync()
    {
        History = await wallet.ListReconciliationsAsync(HistorySize, HttpContext.RequestAborted);
        Shown = Run is { } id ? History.FirstOrDefault(r => r.Id == id) ?? await wallet.GetReconciliationAsync(id, HttpContext.RequestAborted) : Latest;
        Handles = await UserLookup.HandlesAsync(db, History.Select(r => r.RequestedBy).Append(Shown?.RequestedBy), HttpContext.RequestAborted);
    }
}
