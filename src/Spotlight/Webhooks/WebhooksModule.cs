using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Spotlight.Content;
using Spotlight.Live.Battles;
using Spotlight.Live.Lives;
using Spotlight.Moderation.Reports;
using Spotlight.Platform;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Http;
using Spotlight.Platform.Paging;
using Spotlight.Wallet;

namespace Spotlight.Webhooks;

/// <summary>
/// Signed webhooks for integrators (API.md, Webhooks for integrators; Standard Webhooks): endpoints an admin registers,
/// one delivery row per subscribed event written from the outbox, sent and retried by <see cref="WebhookDeliveryJob"/>.
/// Other modules never call this one: it subscribes to their events, one line each.
/// </summary>
public static class WebhooksModule
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSettings<WebhookOptions>(WebhookOptions.Section).ValidateWith(WebhookOptions.Problems);
        var options = builder.Configuration.ReadSettings<WebhookOptions>(WebhookOptions.Section); // the delivery job's interval
        services.AddSingleton<WebhookMetrics>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookUrls>();
        services.AddSingleton<WebhookSender>();
        services.AddHttpClient(WebhookSender.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => WebhookSender.CreateHandler(sp.GetRequiredService<IOptionsMonitor<WebhookOptions>>()));
        services.AddScoped<CreateWebhook>();
        services.AddScoped<UpdateWebhook>();
        services.AddScoped<DeleteWebhook>();
        services.AddScoped<RotateWebhookSecret>();
        services.AddScoped<WebhookReads>();
        services.AddScoped<RetryWebhookDelivery>();
        services.AddScoped<SendTestWebhook>();
        services.AddJob<WebhookDeliveryJob>(every: TimeSpan.FromSeconds(options.DeliveryIntervalSeconds));

        // What is sent: one line per event of another module.
        services.AddWebhookEvent<GiftSent>("gift.sent");
        services.AddWebhookEvent<SubscriptionStarted>("subscription.created");
        services.AddWebhookEvent<SubscriptionRenewed>("subscription.renewed");
        services.AddWebhookEvent<SubscriptionCanceled>("subscription.canceled");
        services.AddWebhookEvent<PayoutRequested>("payout.requested");
        services.AddWebhookEvent<PayoutPaid>("payout.paid");
        services.AddWebhookEvent<LiveStarted>("live.started");
        services.AddWebhookEvent<LiveEnded>("live.ended");
        services.AddWebhookEvent<PkEnded>("pk.ended");
        services.AddWebhookEvent<PostPublished>("post.created");
        services.AddWebhookEvent<ReportFiled>("report.created", e => new { e.ReportId, e.CaseId, e.TargetType, e.TargetId, e.Reason });
        services.AddWebhookEvent<Identity.UserRegistered>("user.registered");
        services.AddWebhookEvent<Identity.Account.UserDeleted>("user.deleted");
        return builder;
    }

    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapAdminGroup().MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapPost("/", Create).WithName("AdminCreateWebhook")
            .WithSummary("Register an endpoint (url, events); 201 with its secret (whsec_…), shown this once. URLs resolving to non-public addresses are refused");
        webhooks.MapGet("/", List).WithName("AdminListWebhooks").WithSummary("The endpoints, newest first; secrets are never shown");
        webhooks.MapGet("/{id:guid}", Get).WithName("AdminGetWebhook").WithSummary("One endpoint: url, events, enabled, why it was disabled");
        webhooks.MapPatch("/{id:guid}", Update).WithName("AdminUpdateWebhook").WithSummary("Change url, events or enabled (enabling clears the failing streak)");
        webhooks.MapDelete("/{id:guid}", Delete).WithName("AdminDeleteWebhook").WithSummary("Delete an endpoint and its deliveries");
        webhooks.MapPost("/{id:guid}/secret/rotate", Rotate).WithName("AdminRotateWebhookSecret")
            .WithSummary("A new secret, shown once; the old one keeps signing beside it (two v1 signatures) for Webhooks:RotationOverlapHours");
        webhooks.MapGet("/{id:guid}/deliveries", Deliveries).WithName("AdminListWebhookDeliveries")
            .WithSummary("An endpoint's deliveries, newest first: status, attempts, response code, latency, times");
        webhooks.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/retry", Retry).WithName("AdminRetryWebhookDelivery")
            .WithSummary("Send a delivery again at the next run of the delivery job (one more attempt)");
        webhooks.MapPost("/{id:guid}/test", Test).WithName("AdminTestWebhook").WithSummary("Queue a webhook.test event to this endpoint");
        return app;
    }

    private static async Task<Results<Created<WebhookCreatedResponse>, ProblemHttpResult>> Create(
        CreateWebhookRequest request, CreateWebhook create, CancellationToken cancellationToken)
    {
        var outcome = await create.HandleAsync(request, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"{AdminGroup.Prefix}/webhooks/{outcome.Value!.Id}", outcome.Value);
    }

    private static async Task<Results<Ok<Page<WebhookResponse>>, ValidationProblem>> List(WebhookReads reads, int? limit, string? cursor, CancellationToken cancellationToken) =>
        PageRequest.TryParse(limit, cursor, out var page, out var problem) ? TypedResults.Ok(await reads.EndpointsAsync(page, cancellationToken)) : problem!;

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> Get(Guid id, WebhookReads reads, CancellationToken cancellationToken) =>
        Answer(await reads.EndpointAsync(id, cancellationToken));

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> Update(
        Guid id, UpdateWebhookRequest request, UpdateWebhook update, CancellationToken cancellationToken) =>
        Answer(await update.HandleAsync(id, request, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, DeleteWebhook delete, CancellationToken cancellationToken) =>
        (await delete.HandleAsync(id, cancellationToken)).Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();

    private static async Task<Results<Ok<WebhookSecretResponse>, ProblemHttpResult>> Rotate(Guid id, RotateWebhookSecret rotate, CancellationToken cancellationToken) =>
        Answer(await rotate.HandleAsync(id, cancellationToken));

    private static async Task<Results<Ok<Page<WebhookDeliveryResponse>>, ValidationProblem, ProblemHttpResult>> Deliveries(
        Guid id, WebhookReads reads, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        var outcome = await reads.DeliveriesAsync(id, page, cancellationToken);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    private static async Task<Results<Accepted<WebhookDeliveryResponse>, ProblemHttpResult>> Retry(
        Guid id, Guid deliveryId, RetryWebhookDelivery retry, CancellationToken cancellationToken) =>
        Queued(id, await retry.HandleAsync(id, deliveryId, cancellationToken));

    private static async Task<Results<Accepted<WebhookDeliveryResponse>, ProblemHttpResult>> Test(Guid id, SendTestWebhook test, CancellationToken cancellationToken) =>
        Queued(id, await test.HandleAsync(id, cancellationToken));

    private static Results<Accepted<WebhookDeliveryResponse>, ProblemHttpResult> Queued(Guid id, Outcome<WebhookDeliveryResponse> outcome) =>
        outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Accepted($"{AdminGroup.Prefix}/webhooks/{id}/deliveries", outcome.Value!);

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Outcome<T> outcome) =>
        outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
}
