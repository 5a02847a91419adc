using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Spotlight.Admin.AuditTrail;
using Spotlight.Admin.Console;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Identity.Administration;
using Spotlight.Identity.Sessions;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;
using Spotlight.Wallet;
using Spotlight.Admin.Money;

namespace Spotlight.Admin.Pages.Users;

/// <summary>
/// One account: profile, roles, tier, sessions and its audit trail; for administrators, the actions of the API
/// (ban, unban, roles, tier, revoke sessions, reset 2FA), each behind a confirmation, each audit-logged by the API's handler.
/// </summary>
public sealed class DetailModel(SpotlightDb db, GetAdminUser getUser, ListSessions sessions, IWalletReadModel wallet) : AdminPage
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    [BindProperty]
    public string? Tier { get; set; }

    public AdminUserResponse? Account { get; private set; }

    public IReadOnlyList<SessionResponse> ActiveSessions { get; private set; } = [];

    public IReadOnlyList<AuditEntryResponse> AuditEntries { get; private set; } = [];

    public List<string> Errors { get; } = [];

    /// <summary>The account's money, for administrators (moderators see none).</summary>
    public WalletCard? Wallet { get; private set; }

    /// <summary>Which action failed (its form opens again, with what was typed).</summary>
    public string? FailedAction { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Missing();

    public Task<IActionResult> OnPostBanAsync([FromServices] BanUser ban) => RunAsync("ban", async cancellationToken =>
        (await ban.HandleAsync(CurrentUserId, Id, new BanRequest(Reason), cancellationToken)).Refusal, "banned; their sessions and tokens have ended");

    public Task<IActionResult> OnPostUnbanAsync([FromServices] UnbanUser unban) => RunAsync("unban", async cancellationToken =>
        (await unban.HandleAsync(Id, cancellationToken)).Refusal, "unbanned");

    public Task<IActionResult> OnPostRolesAsync([FromServices] SetUserRoles setRoles) => RunAsync("roles", async cancellationToken =>
        (await setRoles.HandleAsync(CurrentUserId, Id, new SetRolesRequest([.. Roles]), cancellationToken)).Refusal, "given new roles");

    public Task<IActionResult> OnPostTierAsync([FromServices] SetUserTier setTier) => RunAsync("tier", async cancellationToken =>
        (await setTier.HandleAsync(Id, new SetTierRequest(Tier), cancellationToken)).Refusal, "moved to another tier");

    public Task<IActionResult> OnPostRevokeSessionsAsync([FromServices] RevokeUserSessions revoke) =>
        RunAsync("sessions", cancellationToken => revoke.HandleAsync(Id, cancellationToken), "signed out of every session");

    public Task<IActionResult> OnPostResetTwoFactorAsync([FromServices] ResetUserTwoFactor reset) =>
        RunAsync("2fa", cancellationToken => reset.HandleAsync(Id, cancellationToken), "left without two-factor authentication");

    private async Task<IActionResult> RunAsync(string action, Func<CancellationToken, Task<Refusal?>> run, string done)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminCookie.Scheme);
        }

        if (await run(HttpContext.RequestAborted) is { } refusal)
        {
            if (refusal.Status == StatusCodes.Status404NotFound)
            {
                return Missing();
            }

            FailedAction = action;
            Errors.Add(refusal.Explain());
            db.ChangeTracker.Clear();
            return await LoadAsync(keepInput: true) ? Page() : Missing();
        }

        var handle = (await getUser.HandleAsync(Id, HttpContext.RequestAborted)).Value?.Handle;
        Flash($"@{handle} was {done}.");
        return RedirectToPage(new { id = Id });
    }

    /// <summary>A 404 that still looks like the console, with a way back.</summary>
    private IActionResult Missing()
    {
        Account = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public bool IsMissing => Account is null;

    private async Task<bool> LoadAsync(bool keepInput = false)
    {
        if ((await getUser.HandleAsync(Id, HttpContext.RequestAborted)).Value is not { } account)
        {
            return false;
        }

        Account = account;
        if (!keepInput)
        {
            Roles = [.. Account.Roles];
            Tier = Account.Tier;
        }

        ActiveSessions = (await sessions.HandleAsync(Id, currentSession: null, take: 50, HttpContext.RequestAborted)).Items;
        var id = Id.ToString();
        var trail = db.Set<AuditEntry>().AsNoTracking().Where(e => e.TargetId == id || e.ActorId == Id);
        if (!IsAdmin)
        {
            trail = AuditFilter.WithoutMoney(trail);
        }
        else
        {
            var recent = await wallet.ListTransactionsAsync(new TransactionFilter(UserId: Id), new PageRequest(10, null), HttpContext.RequestAborted);
            Wallet = new WalletCard(
                await wallet.GetBalanceAsync(Id, HttpContext.RequestAborted), await wallet.GetEarningsAsync(Id, HttpContext.RequestAborted),
                await wallet.GetPayoutTotalsAsync(Id, HttpContext.RequestAborted), recent.Items,
                await UserLookup.HandlesAsync(db, MoneyText.People(recent.Items), HttpContext.RequestAborted));
        }

        AuditEntries = (await AuditQuery.PageAsync(db, trail, new PageRequest(20, null), HttpContext.RequestAborted)).Items;
        return true;
    }
}

/// <summary>A user's money on their page: spendable balance, withdrawable earnings, payouts, latest transactions.</summary>
public sealed record WalletCard(long Balance, long Earnings, CreatorPayoutTotals Payouts, IReadOnlyList<LedgerTransactionView> Recent, IReadOnlyDictionary<Guid, string> Handles)
{
    public TransactionTable Table => new(Recent, Handles, "Latest transactions");
}
