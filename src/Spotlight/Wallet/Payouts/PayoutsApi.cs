using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Events;
using Spotlight.Platform.Http;
using Spotlight.Platform.Idempotency;
using Spotlight.Platform.Paging;
using Spotlight.Wallet.Ledger;

namespace Spotlight.Wallet.Payouts;

public sealed record RequestPayoutRequest(long? Amount);

public sealed record RejectPayoutRequest(string? Reason);

public sealed record PayoutResponse(
    Guid Id, Guid CreatorId, long Amount, string Status, DateTime RequestedAt, DateTime? DecidedAt, DateTime? PaidAt, string? ProviderReference, string? RejectionReason)
{
    public static PayoutResponse From(Payout p) => new(p.Id, p.CreatorId, p.Amount, p.Status, p.RequestedAt, p.DecidedAt, p.PaidAt, p.ProviderReference, p.RejectionReason);
}

/// <summary>Creators withdraw earnings (request → approve → paid, or → rejected); every state change is audited.</summary>
internal static class PayoutsApi
{
    public static async Task<Results<Created<PayoutResponse>, ValidationProblem, ProblemHttpResult>> Request(
        RequestPayoutRequest request, ClaimsPrincipal caller, SpotlightDb db, WalletOptions options, LedgerWriter ledger, IdempotencyContext idempotency,
        AuditLog audit, DomainEvents events, WalletMetrics metrics, TimeProvider time)
    {
        if (request.Amount is not { } amount || amount < options.MinimumPayout)
        {
            return ApiProblem.Validation("amount", $"A whole number of coins, at least {options.MinimumPayout}.");
        }

        var creator = caller.UserId();
        var payout = new Payout { Id = Guid.CreateVersion7(), CreatorId = creator, Amount = amount, Status = PayoutStatus.Requested, RequestedAt = time.GetUtcNow().UtcDateTime };
        await using var transaction = await ledger.BeginAsync(db);
        var posted = await ledger.PostAsync(db, new LedgerTransaction
        {
            Id = Guid.CreateVersion7(), Type = TransactionType.PayoutRequest, Amount = amount, InitiatorId = creator, Reference = $"payout:{payout.Id}:request",
        }, [new Posting(LedgerAccountRef.Earnings(creator), -amount), new Posting(LedgerAccountRef.PayoutClearing, amount)]);
        if (posted is not PostResult.Posted)
        {
            metrics.Refused("payout");
            return MoneyProblems.InsufficientFunds("Your earnings do not cover this payout.");
        }

        db.Add(payout);
        audit.Add(db, "wallet.payout_requested", "payout", payout.Id.ToString(), new { amount });
        events.Raise(db, new PayoutRequested(payout.Id, creator, amount));
        var response = PayoutResponse.From(payout);
        idempotency.Complete(db, StatusCodes.Status201Created, response);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return TypedResults.Created($"/api/v1/creator/payouts/{payout.Id}", response);
    }

    public static async Task<Results<Ok<Page<PayoutResponse>>, ValidationProblem>> Mine(ClaimsPrincipal caller, SpotlightDb db, int? limit, string? cursor)
    {
        var me = caller.UserId();
        return await PageAsync(db.Set<Payout>().Where(p => p.CreatorId == me), limit, cursor);
    }

    public static async Task<Results<Ok<PayoutResponse>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal caller, SpotlightDb db)
    {
        var me = caller.UserId();
        var payout = await db.Set<Payout>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == id && p.CreatorId == me);
        return payout is null ? ApiProblem.NotFound("You have no payout with this id.") : TypedResults.Ok(PayoutResponse.From(payout));
    }

    public static async Task<Results<Ok<Page<PayoutResponse>>, ValidationProblem>> AdminList(SpotlightDb db, string? status, int? limit, string? cursor)
    {
        var query = db.Set<Payout>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(status))
        {
            query = query.Where(p => p.Status == status);
        }

        return await PageAsync(query, limit, cursor);
    }

    /// <summary>
    /// requested → approved (committed first, so a crash cannot forget that the provider was asked), then the provider
    /// pays (idempotent on the payout id), then approved → paid with the ledger moving <c>payout_clearing</c> to
    /// <c>payouts_paid</c>. A provider failure leaves the payout approved, with the error; approving again retries.
    /// </summary>
    public static async Task<Results<Ok<PayoutResponse>, ProblemHttpResult>> Approve(
        Guid id, ClaimsPrincipal caller, SpotlightDb db, IPayoutProvider provider, LedgerWriter ledger, AuditLog audit, DomainEvents events,
        WalletMetrics metrics, TimeProvider time, CancellationToken cancellationToken)
    {
        var admin = caller.UserId();
        var now = time.GetUtcNow().UtcDateTime;
        int approved;
        await using (var approval = await db.Database.BeginTransactionAsync(CancellationToken.None))
        {
            // The approval and its audit entry commit together, before the provider is asked to pay.
            approved = await db.Set<Payout>().Where(p => p.Id == id && p.Status == PayoutStatus.Requested)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PayoutStatus.Approved).SetProperty(p => p.DecidedAt, now)
                    .SetProperty(p => p.DecidedBy, admin).SetProperty(p => p.Provider, provider.Name), CancellationToken.None);
            if (approved == 1)
            {
                var amount = await db.Set<Payout>().Where(p => p.Id == id).Select(p => p.Amount).SingleAsync(CancellationToken.None);
                audit.Add(db, "wallet.payout_approved", "payout", id.ToString(), new { amount, provider = provider.Name });
                await db.SaveChangesAsync(CancellationToken.None);
            }

            await approval.CommitAsync(CancellationToken.None);
        }

        var payout = await db.Set<Payout>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, CancellationToken.None);
        if (payout is null)
        {
            return ApiProblem.NotFound("No payout has this id.");
        }

        if (payout.Status != PayoutStatus.Approved)
        {
            return ApiProblem.Conflict("payout_not_pending", $"This payout is {payout.Status}; only a requested payout can be approved.");
        }

        string reference;
        try
        {
            reference = await provider.PayAsync(payout, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var error = exception.Message.Length > 1000 ? exception.Message[..1000] : exception.Message;
            await db.Set<Payout>().Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.LastError, error), CancellationToken.None);
            return ApiProblem.Create(502, "payout_failed", "The payout provider did not pay; the payout stays approved and can be approved again to retry.");
        }

        await using (var transaction = await ledger.BeginAsync(db, CancellationToken.None))
        {
            var paidAt = time.GetUtcNow().UtcDateTime;
            var settled = await db.Set<Payout>().Where(p => p.Id == id && p.Status == PayoutStatus.Approved)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PayoutStatus.Paid).SetProperty(p => p.PaidAt, paidAt)
                    .SetProperty(p => p.ProviderReference, reference).SetProperty(p => p.LastError, (string?)null), CancellationToken.None);
            if (settled == 1)
            {
                await ledger.PostAsync(db, new LedgerTransaction
                {
                    Id = Guid.CreateVersion7(), Type = TransactionType.PayoutPaid, Amount = payout.Amount, InitiatorId = admin, Reference = $"payout:{id}:paid",
                }, [new Posting(LedgerAccountRef.PayoutClearing, -payout.Amount), new Posting(LedgerAccountRef.PayoutsPaid, payout.Amount, payout.CreatorId)], cancellationToken: CancellationToken.None);
                audit.Add(db, "wallet.payout_paid", "payout", id.ToString(), new { payout.Amount, provider = provider.Name, reference });
                events.Raise(db, new PayoutPaid(id, payout.CreatorId, payout.Amount));
                await db.SaveChangesAsync(CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
                metrics.CoinsPaidOut.Add(payout.Amount);
            }
        }

        var final = await db.Set<Payout>().AsNoTracking().SingleAsync(p => p.Id == id, CancellationToken.None);
        return TypedResults.Ok(PayoutResponse.From(final));
    }

    public static async Task<Results<Ok<PayoutResponse>, ValidationProblem, ProblemHttpResult>> Reject(
        Guid id, RejectPayoutRequest? request, ClaimsPrincipal caller, SpotlightDb db, LedgerWriter ledger, AuditLog audit, DomainEvents events, TimeProvider time)
    {
        var reason = string.IsNullOrWhiteSpace(request?.Reason) ? null : request.Reason.Trim();
        if (reason is { Length: > 500 })
        {
            return ApiProblem.Validation("reason", "At most 500 characters.");
        }

        var admin = caller.UserId();
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await ledger.BeginAsync(db);
        var rejected = await db.Set<Payout>().Where(p => p.Id == id && p.Status == PayoutStatus.Requested)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PayoutStatus.Rejected).SetProperty(p => p.DecidedAt, now)
                .SetProperty(p => p.DecidedBy, admin).SetProperty(p => p.RejectionReason, reason));
        var payout = await db.Set<Payout>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == id);
        if (payout is null)
        {
            return ApiProblem.NotFound("No payout has this id.");
        }

        if (rejected == 0)
        {
            return ApiProblem.Conflict("payout_not_pending", $"This payout is {payout.Status}; only a requested payout can be rejected.");
        }

        await ledger.PostAsync(db, new LedgerTransaction
        {
            Id = Guid.CreateVersion7(), Type = TransactionType.PayoutRejected, Amount = payout.Amount, InitiatorId = admin, Reference = $"payout:{id}:rejected", Memo = reason,
        }, [new Posting(LedgerAccountRef.PayoutClearing, -payout.Amount), new Posting(LedgerAccountRef.Earnings(payout.CreatorId), payout.Amount)]);
        audit.Add(db, "wallet.payout_rejected", "payout", id.ToString(), new { payout.Amount, reason });
        events.Raise(db, new PayoutRejected(id, payout.CreatorId, payout.Amount, reason));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return TypedResults.Ok(PayoutResponse.From(payout));
    }

    private static async Task<Results<Ok<Page<PayoutResponse>>, ValidationProblem>> PageAsync(IQueryable<Payout> query, int? limit, string? cursor)
    {
        if (!PageRequest.TryParse(limit, cursor, out var page, out var problem))
        {
            return problem!;
        }

        if (page.After is { } after)
        {
            query = query.Where(p => p.Id.CompareTo(after) < 0);
        }

        var rows = await query.AsNoTracking().OrderByDescending(p => p.Id).Take(page.Limit + 1).ToListAsync();
        return TypedResults.Ok(page.ToPage(rows, p => p.Id, PayoutResponse.From));
    }
}
