using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Spotlight.Data;
using Spotlight.Platform.Jobs;

namespace Spotlight.Webhooks;

/// <summary>
/// Sends due deliveries, run by the job runner every <see cref="WebhookOptions.DeliveryIntervalSeconds"/> on any node.
/// Each due row is claimed with a conditional update (pending, not leased: set the lease and count the attempt), so
/// several nodes running this at once never send the same attempt twice. Up to 8 are sent at a time. A success ends the
/// delivery and the endpoint's failing streak; a failure waits for the next step of the Standard Webhooks schedule, or
/// the receiver's <c>Retry-After</c> on 429/503, until 3 days have passed; 410 disables the endpoint, and so do
/// <see cref="WebhookOptions.DisableAfterFailingDays"/> of failures without a success.
/// </summary>
internal sealed class WebhookDeliveryJob(
    SpotlightDb db, WebhookSender sender, WebhookSecrets secrets, IOptions<WebhookOptions> options, WebhookMetrics metrics, TimeProvider time,
    ILogger<WebhookDeliveryJob> logger) : IJobHandler
{
    private const int BatchSize = 50;

    public string Type => "webhook-delivery";

    public async Task RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        for (var round = 0; round < 10; round++)
        {
            if (await RunOnceAsync(cancellationToken) < BatchSize)
            {
                return;
            }
        }
    }

    /// <summary>Claims and sends one batch; returns how many deliveries it claimed.</summary>
    internal async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var endpointIds = claimed.Select(d => d.EndpointId).Distinct().ToList();
        var endpoints = await db.Set<WebhookEndpoint>().AsNoTracking().Where(e => endpointIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        var results = new AttemptResult[claimed.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, claimed.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var delivery = claimed[i];
                results[i] = endpoints.TryGetValue(delivery.EndpointId, out var endpoint)
                    ? await sender.SendAsync(endpoint.Url, WebhookMessages.Id(delivery.EventId), delivery.Payload, SigningSecrets(endpoint), token)
                    : new AttemptResult(null, 0, null, "The endpoint was deleted.");
            });

        for (var i = 0; i < claimed.Count; i++)
        {
            await RecordAsync(claimed[i], endpoints.GetValueOrDefault(claimed[i].EndpointId), results[i]);
        }

        return claimed.Count;
    }

    /// <summary>The current secret, then the rotated-out one while its overlap lasts.</summary>
    private List<string> SigningSecrets(WebhookEndpoint endpoint)
    {
        var list = new List<string> { secrets.Unprotect(endpoint.Secret) };
        if (endpoint.PreviousSecret is { } previous && endpoint.PreviousSecretExpiresAt > time.GetUtcNow().UtcDateTime)
        {
            list.Add(secrets.Unprotect(previous));
        }

        return list;
    }

    private async Task<List<WebhookDelivery>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var until = now + TimeSpan.FromSeconds(options.Value.TimeoutSeconds) + TimeSpan.FromMinutes(1);
        var enabled = db.Set<WebhookEndpoint>().Where(e => e.Enabled).Select(e => e.Id);
        var due = await db.Set<WebhookDelivery>()
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LockedUntil == null || d.LockedUntil < now) && enabled.Contains(d.EndpointId))
            .OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(BatchSize).ToListAsync(cancellationToken);
        var claimed = new List<Guid>(due.Count);
        foreach (var id in due)
        {
            // Conditional: only one node's update matches a row that is still free (PostgreSQL re-checks the condition after a concurrent update commits).
            var rows = await db.Set<WebhookDelivery>()
                .Where(d => d.Id == id && d.Status == DeliveryStatus.Pending && (d.LockedUntil == null || d.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedUntil, until).SetProperty(d => d.Attempts, d => d.Attempts + 1), cancellationToken);
            if (rows == 1)
            {
                claimed.Add(id);
            }
        }

        return claimed.Count == 0 ? [] : await db.Set<WebhookDelivery>().AsNoTracking().Where(d => claimed.Contains(d.Id)).ToListAsync(cancellationToken);
    }

    private async Task RecordAsync(WebhookDelivery delivery, WebhookEndpoint? endpoint, AttemptResult result)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var error = result.Error is { Length: > 1000 } text ? text[..1000] : result.Error;
        if (result.Succeeded)
        {
            await Deliveries(delivery).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeliveryStatus.Succeeded).SetProperty(d => d.DeliveredAt, now).SetProperty(d => d.LastAttemptAt, now)
                .SetProperty(d => d.ResponseCode, result.StatusCode).SetProperty(d => d.LatencyMs, result.LatencyMs)
                .SetProperty(d => d.LastError, (string?)null).SetProperty(d => d.LockedUntil, (DateTime?)null), CancellationToken.None);
            await db.Set<WebhookEndpoint>().Where(e => e.Id == delivery.EndpointId && e.FailingSince != null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, (DateTime?)null), CancellationToken.None);
            metrics.Attempts.Add(1, new("event", delivery.EventType), new("outcome", "succeeded"));
            return;
        }

        var next = now + (result.RetryAfter ?? WebhookDeliveries.DelayAfter(delivery.Attempts));
        var gone = result.StatusCode == 410;
        var final = gone || endpoint is null || next > delivery.GiveUpAt;
        if (endpoint is not null)
        {
            // The endpoint first: whoever sees the delivery failed sees the endpoint it disabled.
            await FailingAsync(endpoint.Id, gone, now);
        }

        await Deliveries(delivery).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, final ? DeliveryStatus.Failed : DeliveryStatus.Pending).SetProperty(d => d.NextAttemptAt, final ? now : next)
            .SetProperty(d => d.LastAttemptAt, now).SetProperty(d => d.ResponseCode, result.StatusCode).SetProperty(d => d.LatencyMs, result.LatencyMs)
            .SetProperty(d => d.LastError, error).SetProperty(d => d.LockedUntil, (DateTime?)null), CancellationToken.None);
        metrics.Attempts.Add(1, new("event", delivery.EventType), new("outcome", final ? "failed" : "retry"));
        logger.LogWarning("Webhook delivery {DeliveryId} ({EventType}) to endpoint {EndpointId} failed on attempt {Attempt}: {Error}{Next}",
            delivery.Id, delivery.EventType, delivery.EndpointId, delivery.Attempts, error, final ? "; not retried" : $"; next try at {next:O}");
    }

    /// <summary>Starts the endpoint's failing streak, and disables it on a 410 or once the streak is long enough.</summary>
    private async Task FailingAsync(Guid endpointId, bool gone, DateTime now)
    {
        await db.Set<WebhookEndpoint>().Where(e => e.Id == endpointId && e.FailingSince == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, now), CancellationToken.None);
        var failingSince = now - TimeSpan.FromDays(options.Value.DisableAfterFailingDays);
        var reason = gone ? "gone" : "failing";
        var disabled = await db.Set<WebhookEndpoint>().Where(e => e.Id == endpointId && e.Enabled && (gone || e.FailingSince <= failingSince))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Enabled, false).SetProperty(e => e.DisabledReason, reason).SetProperty(e => e.UpdatedAt, now), CancellationToken.None);
        if (disabled == 1)
        {
            metrics.Disabled.Add(1, new KeyValuePair<string, object?>("reason", reason));
            logger.LogWarning("Webhook endpoint {EndpointId} disabled: {Reason}", endpointId,
                gone ? "the receiver answered 410 Gone" : $"its deliveries have failed for {options.Value.DisableAfterFailingDays} days");
        }
    }

    private IQueryable<WebhookDelivery> Deliveries(WebhookDelivery delivery) => db.Set<WebhookDelivery>().Where(d => d.Id == delivery.Id);
}
