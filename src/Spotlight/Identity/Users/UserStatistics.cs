using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Sessions;

namespace Spotlight.Identity.Users;

/// <summary>Counts of accounts for the console's dashboard; <see cref="RegistrationsPerDay"/> is keyed by UTC day, <c>yyyy-MM-dd</c>.</summary>
public sealed record UserCounts(int Total, int ActiveSince, IReadOnlyDictionary<string, long> RegistrationsPerDay);

/// <summary>Identity's figures about its accounts: how many, how many used a session lately, registrations per day.</summary>
public sealed class UserStatistics(SpotlightDb db, DatabaseOptions database)
{
    /// <param name="activeSince">Accounts that signed in or refreshed a session since then count as active.</param>
    /// <param name="registeredSince">The first day (UTC midnight) registrations are counted for.</param>
    public async Task<UserCounts> ReadAsync(DateTime activeSince, DateTime registeredSince, CancellationToken cancellationToken)
    {
        var total = await db.Users.CountAsync(cancellationToken);
        var active = await db.Set<Session>().Where(s => s.LastUsedAt >= activeSince).Select(s => s.UserId).Distinct().CountAsync(cancellationToken);

        // One grouped query over the CreatedAt index. Day arithmetic differs by provider: SQLite keeps DateTime as
        // ISO text, PostgreSQL as timestamptz.
        var rows = database.IsPostgres
            ? db.Database.SqlQuery<DayCount>($"""
                SELECT to_char("CreatedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "Day", count(*) AS "Count"
                FROM users WHERE "CreatedAt" >= {registeredSince} GROUP BY 1
                """)
            : db.Database.SqlQuery<DayCount>($"""
                SELECT substr("CreatedAt", 1, 10) AS "Day", count(*) AS "Count"
                FROM users WHERE "CreatedAt" >= {registeredSince} GROUP BY 1
                """);
        var perDay = (await rows.ToListAsync(cancellationToken)).ToDictionary(r => r.Day, r => r.Count, StringComparer.Ordinal);
        return new UserCounts(total, active, perDay);
    }
}

/// <summary>A row of the registrations-per-day query.</summary>
internal sealed record DayCount(string Day, long Count);
