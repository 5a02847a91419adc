using Spotlight.Data;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Administration;

/// <summary><c>days</c>: a suspension that ends by itself after that many days; none: banned until an admin lifts it.</summary>
public sealed record BanRequest(string? Reason, int? Days = null);

/// <summary><c>POST /admin/users/{id}/ban</c> and the console: bans (or suspends) an account; its sessions end and its tokens stop working.</summary>
public sealed class BanUser(SpotlightDb db, AccountBans bans, TimeProvider time)
{
    public async Task<Outcome<AdminUserResponse>> HandleAsync(Guid adminId, Guid id, BanRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors().Required("reason", request.Reason).MaxLength("reason", request.Reason, 500);
        if (request.Days is < 1 or > AccountBans.MaxDays)
        {
            errors.Add("days", $"Suspend for 1 to {AccountBans.MaxDays} days, or leave days out for a ban without end.");
        }

        if (errors.Any)
        {
            return errors.ToRefusal();
        }

        if (id == adminId)
        {
            return IdentityRefusals.BadRequest("cannot_ban_self", "You cannot ban your own account.");
        }

        var user = await bans.StageAsync(db, id, request.Reason!.Trim(), request.Days, cancellationToken);
        if (user is null)
        {
            return AdminRefusals.NoSuchAccount;
        }

        await db.SaveChangesAsync(cancellationToken);
        await bans.EnforceAsync(db, id);
        return AdminUserResponse.From(user, time.GetUtcNow());
    }
}
