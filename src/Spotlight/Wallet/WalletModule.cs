using Spotlight.Identity.Account;
using Spotlight.Platform.RateLimiting;
using Spotlight.Identity;
using Spotlight.Platform;
using Spotlight.Platform.Http;
using Spotlight.Platform.Idempotency;
using Spotlight.Wallet.Administration;
using Spotlight.Wallet.Gifts;
using Spotlight.Wallet.History;
using Spotlight.Wallet.Ledger;
using Spotlight.Wallet.Payouts;
using Spotlight.Wallet.Reconciliation;
using Spotlight.Wallet.Sales;
using Spotlight.Wallet.Subscriptions;
using Spotlight.Wallet.Topups;
using Spotlight.Wallet.Transfers;

namespace Spotlight.Wallet;

/// <summary>Coins: a double-entry ledger, top-ups, gifts, transfers, creator subscriptions, payouts, reconciliation (API.md, Wallet and money).</summary>
public static class WalletModule
{
    public static WebApplicationBuilder AddWallet(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddStartupSettings<WalletOptions>(WalletOptions.Section).ValidateWith(WalletOptionsValidation.Problems).ServedAsValue();
        var options = builder.Configuration.ReadSettings<WalletOptions>(WalletOptions.Section); // the jobs' intervals
        services.AddSingleton<WalletMetrics>();
        services.AddSingleton<PlatformAccounts>();
        services.AddSettings<SplitsOptions>($"{WalletOptions.Section}:Splits");
        services.AddSingleton<IRevenueSplits, ConfiguredRevenueSplits>();
        services.AddSingleton<LedgerWriter>();
        services.AddScoped<CreatorSale>();
        services.AddPersonalData<WalletPersonalData>();
        services.AddScoped<Counterparties>();
        // One handler per use case (the endpoints and the console's pages are adapters over them), and the reads.
        services.AddScoped<SendGift>();
        services.AddScoped<TransferCoins>();
        services.AddScoped<StartTopup>();
        services.AddScoped<ReceivePaymentWebhook>();
        services.AddScoped<CreditTopup>();
        services.AddScoped<CreatePlan>();
        services.AddSingleton<SubscriptionCharge>();
        services.AddScoped<SubscribeToPlan>();
        services.AddScoped<CancelSubscription>();
        services.AddScoped<RequestPayout>();
        services.AddScoped<ApprovePayout>();
        services.AddScoped<RejectPayout>();
        services.AddScoped<AdjustBalance>();
        services.AddScoped<ReverseTransaction>();
        services.AddScoped<WalletHistory>();
        services.AddScoped<TopupReads>();
        services.AddScoped<SubscriptionReads>();
        services.AddScoped<PayoutReads>();
        services.AddSingleton<LedgerReconciler>();
        services.AddSingleton<LedgerReconciliationRecorder>();
        services.AddSingleton<SandboxWebhookSecret>();
        services.AddSingleton<IPaymentProvider, SandboxPaymentProvider>();
        // Always registered: its keys may be saved in the console at any time (read live, IOptionsMonitor).
        services.AddSettings<StripeOptions>(StripeOptions.Section);
        services.AddHttpClient(StripePaymentProvider.ProviderName, c => c.Timeout = TimeSpan.FromSeconds(20));
        services.AddSingleton<IPaymentProvider, StripePaymentProvider>();

        services.AddSingleton<IPayoutProvider, SandboxPayoutProvider>();
        services.AddScoped<IWalletReadModel, WalletReadModel>();
        services.AddScoped<IGiftHistory, GiftHistory>();
        services.AddScoped<ISubscriptionAccess, SubscriptionAccess>();
        services.AddSingleton<ClosedDayTotals>();
        services.AddJob<SubscriptionRenewalJob>(every: TimeSpan.FromSeconds(options.RenewalIntervalSeconds));
        services.AddJob<LedgerReconciliationJob>(every: TimeSpan.FromMinutes(options.ReconciliationIntervalMinutes));
        services.AddScoped<LiveGiftBroadcaster>(); // a gift in a live shows in its room, staged with the gift's commit
        return builder;
    }

    public static IEndpointRouteBuilder MapWallet(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Wallet");
        var wallet = api.MapGroup("/wallet").RequireAuthorization();
        wallet.MapGet("/", WalletEndpoints.GetWallet).WithName("GetWallet").WithSummary("The caller's spendable balance");
        wallet.MapGet("/transactions", WalletEndpoints.Transactions).WithName("ListWalletTransactions").WithSummary("The caller's wallet history, newest first");
        wallet.MapGet("/transactions/{id:guid}", WalletEndpoints.Transaction).WithName("GetWalletTransaction").WithSummary("One of the caller's transactions");
        wallet.MapGet("/topup-packages", TopupEndpoints.Packages).WithName("ListTopupPackages").WithSummary("What coins can be bought, and for how much");
        wallet.MapPost("/topups", TopupEndpoints.Create).AllowIdempotency().WithName("CreateTopup").WithSummary("Start buying a package: a pending top-up, credited when the provider confirms payment");
        wallet.MapGet("/topups/{id:guid}", TopupEndpoints.Get).WithName("GetTopup").WithSummary("One of the caller's top-ups");
        wallet.MapPost("/transfers", WalletEndpoints.Transfer).RequireIdempotency().WithName("Transfer").WithSummary("Send coins from the caller's wallet to another user's");

        api.MapPost("/payments/webhooks/{provider}", TopupEndpoints.Webhook).AllowAnonymous().RequireWebhookRateLimit().WithName("PaymentWebhook")
            .WithSummary("A payment provider's signed event (credits a top-up once, however often it is delivered)");

        api.MapGet("/gifts/catalog", GiftEndpoints.Catalog).WithName("GiftCatalog").WithSummary("The gifts that can be sent, with their prices");
        api.MapPost("/gifts", GiftEndpoints.Send).RequireAuthorization().RequireIdempotency().WithName("SendGift").WithSummary("Send a gift to a creator (split between creator, platform and processor)");

        var creator = api.MapGroup("/creator").RequireAuthorization(IdentityModule.CreatorPolicy);
        creator.MapPost("/plans", SubscriptionEndpoints.CreatePlan).WithName("CreatePlan").WithSummary("Offer a subscription plan (coins per 30 days)");
        creator.MapGet("/subscribers", SubscriptionEndpoints.Subscribers).WithName("ListSubscribers").WithSummary("The caller's subscribers, newest first");
        creator.MapGet("/earnings", WalletEndpoints.Earnings).WithName("GetEarnings").WithSummary("The caller's withdrawable earnings and their history");
        creator.MapPost("/payouts", PayoutEndpoints.Request).RequireIdempotency().WithName("RequestPayout").WithSummary("Ask to withdraw earnings");
        creator.MapGet("/payouts", PayoutEndpoints.Mine).WithName("ListPayouts").WithSummary("The caller's payouts, newest first");
        creator.MapGet("/payouts/{id:guid}", PayoutEndpoints.Get).WithName("GetPayout").WithSummary("One of the caller's payouts");

        api.MapGet("/creators/{id:guid}/plans", SubscriptionEndpoints.Plans).WithName("ListPlans").WithSummary("A creator's subscription plans");
        api.MapPost("/creators/{id:guid}/subscriptions", SubscriptionEndpoints.Subscribe).RequireAuthorization().RequireIdempotency()
            .WithName("Subscribe").WithSummary("Subscribe to a creator's plan: the first 30 days are charged now");
        var subscriptions = api.MapGroup("/subscriptions").RequireAuthorization();
        subscriptions.MapGet("/", SubscriptionEndpoints.Mine).WithName("ListSubscriptions").WithSummary("The caller's subscriptions, newest first");
        subscriptions.MapGet("/{id:guid}", SubscriptionEndpoints.Get).WithName("GetSubscription").WithSummary("One subscription (its subscriber or creator only)");
        subscriptions.MapDelete("/{id:guid}", SubscriptionEndpoints.Cancel).WithName("CancelSubscription").WithSummary("Stop renewing; access is kept to the end of the paid period");

        var admin = app.MapAdminGroup().WithTags("Wallet");
        admin.MapPost("/wallets/{userId:guid}/adjustments", AdminWalletEndpoints.Adjust).RequireIdempotency().WithName("AdminAdjustWallet")
            .WithSummary("Credit or debit a user's wallet against the platform's adjustments account");
        admin.MapPost("/transactions/{id:guid}/reverse", AdminWalletEndpoints.Reverse).WithName("AdminReverseTransaction")
            .WithSummary("Undo a transaction with opposite entries (once)");
        admin.MapGet("/ledger/reconciliation", AdminWalletEndpoints.Reconcile).WithName("AdminReconcileLedger").WithSummary("Check that the books balance");
        admin.MapGet("/payouts", PayoutEndpoints.AdminList).WithName("AdminListPayouts").WithSummary("Payouts, optionally by status, newest first");
        admin.MapPost("/payouts/{id:guid}/approve", PayoutEndpoints.Approve).WithName("AdminApprovePayout").WithSummary("Approve a payout: the payout provider pays it");
        admin.MapPost("/payouts/{id:guid}/reject", PayoutEndpoints.Reject).WithName("AdminRejectPayout").WithSummary("Reject a payout: the coins go back to the creator's earnings");
        return app;
    }
}
