using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Accounts;
using Spotlight.Identity.Creators;
using Spotlight.Identity.Passkeys;
using Spotlight.Identity.Sessions;

namespace Spotlight.Identity.Account;

/// <summary>
/// Identity's share: the profile and sessions (exported), and on erasure the account itself anonymized — email, handle,
/// names, avatar, bio, password and second factors gone, the handle and email replaced by placeholders made of the id (so
/// the unique indexes hold and no one can sign in) — with its passkeys, tokens, creator application and exports removed.
/// The row stays: the ledger, gifts and conversations still name it.
/// </summary>
internal sealed class IdentityPersonalData(SpotlightDb db, AccountExportFiles exportFiles) : IPersonalData
{
    public IReadOnlyCollection<string> Kinds { get; } = ["profile", "sessions"];

    public IReadOnlyCollection<PersonalDataColumn> Covers { get; } =
    [
        new(typeof(User), nameof(User.Id)),
        new(typeof(Session), nameof(Session.UserId)),
        new(typeof(PasskeyCredential), nameof(PasskeyCredential.UserId)),
        new(typeof(PasskeyCeremony), nameof(PasskeyCeremony.UserId)),
        new(typeof(OneTimeToken), nameof(OneTimeToken.UserId)),
        new(typeof(IdentityUserClaim<Guid>), nameof(IdentityUserClaim<Guid>.UserId)),
        new(typeof(IdentityUserLogin<Guid>), nameof(IdentityUserLogin<Guid>.UserId)),
        new(typeof(IdentityUserToken<Guid>), nameof(IdentityUserToken<Guid>.UserId)),
        new(typeof(CreatorApplication), nameof(CreatorApplication.UserId)),
        new(typeof(CreatorApplication), nameof(CreatorApplication.PendingUserId)),
        new(typeof(AccountExport), nameof(AccountExport.UserId)),
    ];

    /// <summary>The handle a deleted account keeps: <c>d_</c> and the id in base 32 (28 characters, unique, a valid handle).</summary>
    public static string PlaceholderHandle(Guid userId)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var bytes = userId.ToByteArray(bigEndian: true);
        var text = new System.Text.StringBuilder("d_", 28);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }

    public async Task ExportAsync(Guid userId, IExportWriter writer, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
        await writer.WriteAsync("profile", new
        {
            user.Id,
            user.Handle,
            user.Email,
            emailVerified = user.EmailConfirmed,
            user.DisplayName,
            user.Bio,
            user.AvatarUrl,
            roles = user.RoleList,
            user.Tier,
            twoFactorEnabled = user.TwoFactorEnabled,
            user.CreatedAt,
            user.LastSeenAt,
            user.FollowerCount,
            user.FollowingCount,
            creatorApplications = await db.Set<CreatorApplication>().AsNoTracking().Where(a => a.UserId == userId).OrderBy(a => a.SubmittedAt)
                .Select(a => new { a.Id, a.Status, a.Category, a.Country, a.About, a.Links, a.SubmittedAt, a.DecidedAt, a.Reason })
                .ToListAsync(cancellationToken),
            passkeys = await db.Set<PasskeyCredential>().AsNoTracking().Where(p => p.UserId == userId).OrderBy(p => p.Id)
                .Select(p => new { p.Id, p.Name, p.CreatedAt, p.LastUsedAt }).ToListAsync(cancellationToken),
        }, cancellationToken);
        await writer.WriteAsync("sessions", await db.Set<Session>().AsNoTracking().Where(s => s.UserId == userId).OrderBy(s => s.CreatedAt)
            .Select(s => new { s.Id, s.UserAgent, s.Ip, s.CreatedAt, s.LastUsedAt, s.ExpiresAt, s.RevokedAt, s.RevokedReason })
            .ToListAsync(cancellationToken), cancellationToken);
    }

    public async Task EraseAsync(Guid userId, PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        var now = erasure.Now;
        var handle = PlaceholderHandle(userId);
        var email = handle + "@deleted.invalid";
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.UserName, handle)
            .SetProperty(u => u.NormalizedUserName, handle.ToUpperInvariant())
            .SetProperty(u => u.Email, email)
            .SetProperty(u => u.NormalizedEmail, AccountRules.NormalizeEmail(email))
            .SetProperty(u => u.EmailConfirmed, false)
            .SetProperty(u => u.PasswordHash, (string?)null)
            .SetProperty(u => u.SecurityStamp, Guid.NewGuid().ToString("N"))
            .SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString("N"))
            .SetProperty(u => u.PhoneNumber, (string?)null)
            .SetProperty(u => u.PhoneNumberConfirmed, false)
            .SetProperty(u => u.TwoFactorEnabled, false)
            .SetProperty(u => u.LastTotpTimeStep, (long?)null)
            .SetProperty(u => u.DisplayName, (string?)null)
            .SetProperty(u => u.Bio, (string?)null)
            .SetProperty(u => u.AvatarUrl, (string?)null)
            .SetProperty(u => u.Roles, Role.User)
            .SetProperty(u => u.Tier, Tiers.Free)
            .SetProperty(u => u.LastSeenAt, (DateTime?)null)
            .SetProperty(u => u.FollowerCount, 0)
            .SetProperty(u => u.FollowingCount, 0)
            .SetProperty(u => u.DeletedAt, u => u.DeletedAt ?? now), cancellationToken);

        var sessions = db.Set<Session>().Where(s => s.UserId == userId);
        await db.Set<RefreshToken>().Where(t => sessions.Any(s => s.Id == t.SessionId)).ExecuteDeleteAsync(cancellationToken);
        // The sessions stay, revoked and without device or address, so the tokens they issued stay refused.
        await sessions.ExecuteUpdateAsync(s => s
            .SetProperty(x => x.UserAgent, (string?)null)
            .SetProperty(x => x.Ip, (string?)null)
            .SetProperty(x => x.RevokedAt, x => x.RevokedAt ?? now)
            .SetProperty(x => x.RevokedReason, x => x.RevokedReason ?? "account_deleted"), cancellationToken);
        await db.Set<PasskeyCredential>().Where(p => p.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<PasskeyCeremony>().Where(p => p.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<OneTimeToken>().Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<IdentityUserClaim<Guid>>().Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<IdentityUserLogin<Guid>>().Where(l => l.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<IdentityUserToken<Guid>>().Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<CreatorApplication>().Where(a => a.UserId == userId).ExecuteDeleteAsync(cancellationToken);

        var exports = await db.Set<AccountExport>().Where(e => e.UserId == userId).Select(e => e.Id).ToListAsync(cancellationToken);
        await db.Set<AccountExport>().Where(e => e.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        erasure.AfterCommit(_ =>
        {
            exports.ForEach(exportFiles.Delete);
            return Task.CompletedTask;
        });
    }
}
