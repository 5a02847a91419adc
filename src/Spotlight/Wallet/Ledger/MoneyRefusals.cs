using Spotlight.Platform.Errors;

namespace Spotlight.Wallet.Ledger;

/// <summary>The refusals every money use case shares.</summary>
internal static class MoneyRefusals
{
    public static Refusal InsufficientFunds(string detail = "Your balance does not cover this amount.") =>
        new(StatusCodes.Status402PaymentRequired, "insufficient_funds", detail);

    public static Refusal Blocked(string detail) => Refusal.Forbidden("blocked", detail);
}
