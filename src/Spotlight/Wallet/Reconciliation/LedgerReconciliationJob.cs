using System.Text.Json;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Jobs;

namespace Spotlight.Wallet.Reconciliation;

/// <summary>Runs the reconciliation on a schedule (<see cref="LedgerReconciliationRecorder"/> keeps the outcome).</summary>
internal sealed class LedgerReconciliationJob(SpotlightDb db, LedgerReconciliationRecorder recorder) : IJobHandler
{
    public const string JobType = "wallet-reconciliation";

    public string Type => JobType;

    public Task RunAsync(JobRun run, CancellationToken cancellationToken) => recorder.RunAsync(db, requestedBy: null, cancellationToken);
}

/// <summary>
/// Runs the reconciliation and keeps its outcome, for the schedule and for the admin console's "Run now" alike: a row in
/// <c>ledger_reconciliations</c> (the dashboard's ledger status is the latest), the <c>spotlight_ledger_unbalanced</c>
/// gauge, and on a mismatch an audit entry and an error in the log.
/// </summary>
public sealed class LedgerReconciliationRecorder(LedgerReconciler reconciler, AuditLog audit, WalletMetrics metrics, ILogger<LedgerReconciliationRecorder> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<(ReconciliationReport Report, Guid RunId)> RunAsync(SpotlightDb db, Guid? requestedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var report = await reconciler.RunAsync(db, cancellationToken);
        metrics.SetUnbalanced(!report.Balanced);
        var record = new LedgerReconciliation
        {
            Id = Guid.CreateVersion7(), CheckedAt = report.CheckedAt, Balanced = report.Balanced, MismatchCount = report.Mismatches.Count,
            Entries = report.Entries, DurationMs = report.DurationMs, RequestedBy = requestedBy,
            Mismatches = report.Balanced ? null : FirstMismatchesJson(report.Mismatches),
        };
        db.Add(record);
        if (requestedBy is not null)
        {
            audit.Add(db, "ledger.reconciled", "ledger", record.Id.ToString(),
                new { report.Balanced, mismatches = report.Mismatches.Count, report.Entries, report.DurationMs }, requestedBy);
        }

        if (!report.Balanced)
        {
            audit.Add(db, "ledger.unbalanced", "ledger", record.Id.ToString(), new { mismatches = report.Mismatches.Take(20) }, requestedBy);
            logger.LogError("Ledger reconciliation found {Count} mismatch(es): {Mismatches}", report.Mismatches.Count, record.Mismatches);
        }

        await db.SaveChangesAsync(cancellationToken);
        return (report, record.Id);
    }

    /// <summary>Up to 20 mismatches in at most 4,000 characters, whole objects only, so the stored JSON stays readable.</summary>
    private static string FirstMismatchesJson(IReadOnlyList<LedgerMismatch> mismatches)
    {
        for (var count = Math.Min(20, mismatches.Count); count > 0; count--)
        {
            var json = JsonSerializer.Serialize(mismatches.Take(count), Json);
            if (json.Length <= 4000)
            {
                return json;
            }
        }

        return "[]";
    }
}
