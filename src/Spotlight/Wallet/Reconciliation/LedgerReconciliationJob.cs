using System.Text.Json;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Jobs;

namespace Spotlight.Wallet.Reconciliation;

/// <summary>Runs the reconciliation on a schedule; a mismatch writes an audit entry, sets <c>spotlight_ledger_unbalanced</c> to 1 and logs an error.</summary>
internal sealed class LedgerReconciliationJob(SpotlightDb db, LedgerReconciler reconciler, AuditLog audit, WalletMetrics metrics, ILogger<LedgerReconciliationJob> logger) : IJobHandler
{
    public const string JobType = "wallet-reconciliation";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Type => JobType;

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var report = await reconciler.RunAsync(db, cancellationToken);
        metrics.SetUnbalanced(!report.Balanced);
        var record = new LedgerReconciliation
        {
            Id = Guid.CreateVersion7(), CheckedAt = report.CheckedAt, Balanced = report.Balanced, MismatchCount = report.Mismatches.Count,
            Entries = report.Entries, DurationMs = report.DurationMs,
            Mismatches = report.Balanced ? null : Truncate(JsonSerializer.Serialize(report.Mismatches.Take(20), Json)),
        };
        db.Add(record);
        if (!report.Balanced)
        {
            audit.Add(db, "ledger.unbalanced", "ledger", record.Id.ToString(), new { mismatches = report.Mismatches.Take(20) });
            logger.LogError("Ledger reconciliation found {Count} mismatch(es): {Mismatches}", report.Mismatches.Count, record.Mismatches);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Truncate(string text) => text.Length <= 4000 ? text : text[..4000];
}
