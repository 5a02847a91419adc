using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Spotlight.Admin.Console;
using Spotlight.Admin.Money;
using Spotlight.Data;
using Spotlight.Platform.Http;
using Spotlight.Wallet;
using Spotlight.Wallet.Administration;

namespace Spotlight.Admin.Pages.Money;

/// <summary>
/// Credits or debits a user's wallet against the platform's <c>adjustments</c> account, in two steps: the form, then a
/// review that says whose balance moves from what to what, then the adjustment itself through the wallet's use case
/// (<see cref="AdjustBalance"/>, as for the API). The form carries a key made when it was opened, which the wallet keeps
/// as the adjustment's reference, so a double click, a resent form or a refresh moves the coins once.
/// </summary>
public sealed class AdjustModel(SpotlightDb db, IWalletReadModel wallet, AdjustBalance adjust) : AdminPage
{
    public const long MaxAmount = AdjustBalance.MaxAmount;

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserText { get; set; }

    [BindProperty]
    public string? Amount { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>Made when the form is first shown and kept across the review and a failed attempt.</summary>
    [BindProperty]
    public string? Key { get; set; }

    public Dictionary<string, string> FieldErrors { get; } = [];

    public List<string> Errors { get; } = [];

    /// <summary>Set once the input is valid: the review step shows it with a "Confirm" button.</summary>
    public AdjustmentReview? Review { get; private set; }

    public void OnGet() => Key = NewKey();

    public async Task<IActionResult> OnPostReviewAsync()
    {
        if (!IsAdmin)
        {
            return Forbid(AdminCookie.Scheme);
        }

        Key = AdjustBalance.IsValidKey(Key) ? Key : NewKey();
        Review = await ValidateAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync()
    {
        if (!IsAdmin)
        {
            return Forbid(AdminCookie.Scheme);
        }

        var review = await ValidateAsync();
        if (review is null)
        {
            return Page();
        }

        if (!AdjustBalance.IsValidKey(Key))
        {
            Key = NewKey();
            Review = review;
            Errors.Add("This form has expired. Check the adjustment and confirm it again.");
            return Page();
        }

        var outcome = await adjust.HandleAsync(User.UserId(), review.UserId, new AdjustmentRequest(review.Amount, review.Reason), HttpContext.RequestAborted, onceKey: Key);
        if (outcome.Value is { AlreadyMade: true, Response: var first })
        {
            // The same form was sent again (a double click, a resend): the first adjustment stands, nothing moved twice.
            Flash("This adjustment was already made (the form was sent more than once); the coins moved once.");
            return Redirect($"/admin/money/transactions/{first.TransactionId}");
        }

        if (outcome.Value is { Response: var done })
        {
            Flash($"{review.Handle}'s wallet was {(done.Amount > 0 ? "credited" : "debited")} {MoneyText.Coins(Math.Abs(done.Amount))} coins; the balance is now {MoneyText.Coins(done.BalanceAfter)}.");
            return Redirect($"/admin/money/transactions/{done.TransactionId}");
        }

        if (outcome.Refusal!.Status == StatusCodes.Status422UnprocessableEntity)
        {
            Key = NewKey();
            Review = review;
            Errors.Add("This form was already used for a different adjustment. Check this one and confirm it again.");
            return Page();
        }

        Review = null;
        UserText = review.Handle;
        Errors.Add("The adjustment was not made: " + outcome.Refusal.Explain());
        return Page();
    }

    private async Task<AdjustmentReview?> ValidateAsync()
    {
        Guid? userId = null;
        if (string.IsNullOrWhiteSpace(UserText))
        {
            FieldErrors["user"] = "Enter the account's handle, email or id.";
        }
        else if (UserText.Length > 320 || await UserLookup.FindAsync(db, UserText, HttpContext.RequestAborted) is not { } found)
        {
            FieldErrors["user"] = $"No account has the id, handle or email “{UserText.Trim()}”.";
        }
        else
        {
            userId = found;
        }

        if (!long.TryParse(Amount?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount) || amount == 0 || amount is > MaxAmount or < -MaxAmount)
        {
            FieldErrors["amount"] = "A whole number of coins other than 0: positive credits the wallet, negative debits it (at most 1,000,000,000 either way).";
        }

        var reason = Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            FieldErrors["reason"] = "Give a reason: it is kept with the transaction and in the audit log.";
        }
        else if (reason.Length > 500)
        {
            FieldErrors["reason"] = "At most 500 characters.";
        }

        if (FieldErrors.Count > 0 || userId is null)
        {
            Errors.Add("Correct the fields marked below.");
            return null;
        }

        var handles = await UserLookup.HandlesAsync(db, [userId], HttpContext.RequestAborted);
        var balance = await wallet.GetBalanceAsync(userId.Value, HttpContext.RequestAborted);
        return new AdjustmentReview(userId.Value, "@" + handles[userId.Value], amount, reason!, balance);
    }

    private static string NewKey() => "console-adjustment-" + Guid.NewGuid().ToString("N");
}

/// <summary>A valid adjustment waiting for its confirmation: whose wallet, by how much, why, from which balance.</summary>
public sealed record AdjustmentReview(Guid UserId, string Handle, long Amount, string Reason, long Balance)
{
    public long BalanceAfter => Balance + Amount;
}
