using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Spotlight.Admin.AuditTrail;
using Spotlight.Admin.Console;
using Spotlight.Data;
using Spotlight.Identity;
using Spotlight.Identity.Administration;
using Spotlight.Identity.Sessions;
using Spotlight.Identity.Tokens;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Paging;
using Spotlight.Wallet;
using Spotlight.Admin.Money;

namespace Spotlight.Admin.Pages.Users;

/// <summary>
/// One account: profile, roles, tier, sessions and its audit trail; for administrators, the actions of the API
/// (ban, unban, roles, tier, revoke sessions, reset 2FA), each behind a confirmation, each audit-logged by the API's handler.
/// </summary>
public sealed class DetailModel(
    SpotlightDb db, TimeProvider time, AuditLog audit, SessionRevoker sessions, SessionStateCache cache, AccountBans bans, UserManager<User> users, IWalletReadModel wallet) : AdminPage
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

    public IReadOnlyList<Session> ActiveSessions { get; private set; } = [];

    public IReadOnlyList<AuditEntryResponse> AuditEntries { get; private set; } = [];

    public List<string> Errors { get; } = [];

    /// <summary>The account's money, for administrators (moderators see none).</summary>
    public WalletCard? Wallet { get; private set; }

    /// <summary>Which action failed (its form opens again, with what was typed).</summary>
    public string? FailedAction { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Missing();

    public Task<IActionResult> OnPostBanAsync() => RunAsync("ban", async () =>
        (await AdminUsersApi.Ban(Id, new BanRequest(Reason), User, db, bans, time, HttpContext.RequestAborted)).Result, "banned; their sessions and tokens have ended");

    public Task<IActionResult> OnPostUnbanAsync() => RunAsync("unban", async () =>
        (await AdminUsersApi.Unban(Id, db, audit, time)).Result, "unbanned");

    public Task<IActionResult> OnPostRolesAsync() => RunAsync("roles", async () =>
        (await AdminUsersApi.SetRoles(Id, new SetRolesRequest([.. Roles]), User, db, audit, cache, time)).Result, "given new roles");

    public Task<IActionResult> OnPostTierAsync() => RunAsync("tier", async () =>
        (await AdminUsersApi.SetTier(Id, new SetTierRequest(Tier), db, audit, cache, time)).Result, "moved to another tier");

    public Task<IActionResult> OnPostRevokeSessionsAsync() => RunAsync("sessions", async () =>
        (await AdminUsersApi.RevokeSessions(Id, db, sessions, audit)).Result, "signed out of every session");

    public Task<IActionResult> OnPostResetTwoFactorAsync() => RunAsync("2fa", async () =>
        (await AdminUsersApi.ResetTwoFactor(Id, users, db, audit, cache)).Result, "left without two-factor authentication");

    private async Task<IActionResult> RunAsync(string action, Func<Task<IResult>> run, string done)
    {
        if (!IsAdmin)
        {
            return Forbid(AdminCookie.Scheme);
        }

        var result = await run();
        if (ApiOutcome.IsNotFound(result))
        {
            return Missing();
        }

        if (ApiOutcome.Error(result) is { } error)
        {
            FailedAction = action;
            Errors.Add(error);
            db.ChangeTracker.Clear();
            return await LoadAsync(keepInput: true) ? Page() : Missing();
        }

        var handle = await db.Users.AsNoTracking().Where(u => u.Id == Id).Select(u => u.UserName).SingleAsync();
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
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == Id);
        if (user is null)
        {
            return false;
        }

        Account = AdminUserResponse.From(user, time.GetUtcNow());
        if (!keepInput)
        {
            Roles = [.. Account.Roles];
            Tier = Account.Tier;
        }

        var now = time.GetUtcNow().UtcDateTime;
        ActiveSessions = await db.Set<Session>().AsNoTracking().Where(s => s.UserId == Id && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.LastUsedAt).Take(50).ToListAsync();
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
