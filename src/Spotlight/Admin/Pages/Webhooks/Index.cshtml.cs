using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Platform.Paging;
using Spotlight.Webhooks;

namespace Spotlight.Admin.Pages.Webhooks;

/// <summary>
/// The integrators' webhook endpoints and each one's recent deliveries (status, attempts, response code, latency), with a
/// retry button per delivery, through the API's own handlers (<see cref="WebhookReads"/>, <see cref="RetryWebhookDelivery"/>).
/// Administrators only. Endpoints are registered through <c>/api/v1/admin/webhooks</c> (the secret is shown once there).
/// </summary>
public sealed class IndexModel(WebhookReads reads) : AdminPage
{
    public const int RecentDeliveries = 10;

    public IReadOnlyList<WebhookResponse> Endpoints { get; private set; } = [];

    public IReadOnlyDictionary<Guid, IReadOnlyList<WebhookDeliveryResponse>> Deliveries { get; private set; } = new Dictionary<Guid, IReadOnlyList<WebhookDeliveryResponse>>();

    public List<string> Errors { get; } = [];

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostRetryAsync(Guid endpoint, Guid delivery, [FromServices] RetryWebhookDelivery retry)
    {
        var outcome = await retry.HandleAsync(endpoint, delivery, HttpContext.RequestAborted);
        if (outcome.Refusal is { } refusal)
        {
            Errors.Add($"The delivery was not retried: {refusal.Explain()}");
            await LoadAsync();
            return Page();
        }

        Flash($"The {outcome.Value!.Type} delivery will be sent again within seconds.");
        return Redirect("/admin/webhooks");
    }

    private async Task LoadAsync()
    {
        Endpoints = (await reads.EndpointsAsync(new PageRequest(PageRequest.MaxLimit, null), HttpContext.RequestAborted)).Items;
        var deliveries = new Dictionary<Guid, IReadOnlyList<WebhookDeliveryResponse>>();
        foreach (var endpoint in Endpoints)
        {
            var page = await reads.DeliveriesAsync(endpoint.Id, new PageRequest(RecentDeliveries, null), HttpContext.RequestAborted);
            deliveries[endpoint.Id] = page.Value?.Items ?? [];
        }

        Deliveries = deliveries;
    }
}
