using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Users;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Errors;
using Spotlight.Platform.Paging;

namespace Spotlight.Admin.AuditTrail;

/// <summary>An audit entry as the console and the API show it, with the actor's handle.</summary>
public sealed record AuditEntryResponse(
    Guid Id, DateTime At, Guid? ActorId, string? ActorHandle, string Action, string? TargetType, string? TargetId, string? Ip, string? RequestId, string? Details);

/// <summary>
/// The audit log's filters: actor (id, handle or email), action (exact, or a prefix ending in <c>.</c> or <c>*</c>),
/// target (id), target type, and a date range (inclusive days, UTC).
/// </summary>
public sealed record AuditFilter(string? Actor, string? Action, string? Target, string? TargetType, string? From, string? To)
{
    public bool IsEmpty => new[] { Actor, Action, Target, TargetType, From, To }.All(string.IsNullOrWhiteSpace);

    /// <summary>Parses the filter into a query, or collects what is wrong with it.</summary>
    public async Task<IQueryable<AuditEntry>?> ApplyAsync(SpotlightDb db, FieldErrors errors, CancellationToken cancellationToken)
    {
        var query = db.Set<AuditEntry>().AsNoTracking();
        DateTime? from = null, to = null;
        if (!string.IsNullOrWhiteSpace(From))
        {
            from = ParseDay("from", From, errors);
        }

        if (!string.IsNullOrWhiteSpace(To))
        {
            to = ParseDay("to", To, errors)?.AddDays(1);
        }

        if (from is not null && to is not null && from >= to)
        {
            errors.Add("to", "The end date is before the start date.");
        }

        errors.MaxLength("actor", Actor, 320).MaxLength("action", Action, 100).MaxLength("target", Target, 100).MaxLength("targetType", TargetType, 50);
        if (errors.Any)
        {
            return null;
        }

        if (!string.IsNullOrWhiteSpace(Actor))
        {
            var actor = Actor.Trim();
            Guid? actorId = Guid.TryParse(actor, out var parsed) ? parsed : null;
            if (actorId is null)
            {
                actorId = await UserNames.FindByHandleOrEmailAsync(db, actor, cancellationToken) ?? Guid.Empty;
            }

            query = query.Where(e => e.ActorId == actorId);
        }

        if (!string.IsNullOrWhiteSpace(Action))
        {
            var action = Action.Trim();
            if (action.EndsWith('*') || action.EndsWith('.'))
            {
                var prefix = action.TrimEnd('*');
                query = query.Where(e => e.Action.StartsWith(prefix));
            }
            else
            {
                query = query.Where(e => e.Action == action);
            }
        }

        if (!string.IsNullOrWhiteSpace(Target))
        {
            var target = Target.Trim();
            query = query.Where(e => e.TargetId == target);
        }

        if (!string.IsNullOrWhiteSpace(TargetType))
        {
            var type = TargetType.Trim();
            query = query.Where(e => e.TargetType == type);
        }

        if (from is { } start)
        {
            query = query.Where(e => e.At >= start);
        }

        if (to is { } end)
        {
            query = query.Where(e => e.At < end);
        }

        return query;
    }

    /// <summary>Leaves out money actions (<c>wallet.*</c>, <c>ledger.*</c>): moderators see no money (docs/admin-console.md).</summary>
    public static IQueryable<AuditEntry> WithoutMoney(IQueryable<AuditEntry> query) =>
        query.Where(e => !e.Action.StartsWith("wallet.") && !e.Action.StartsWith("ledger."));

    private static DateTime? ParseDay(string field, string value, FieldErrors errors)
    {
        if (DateTime.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
        {
            return DateTime.SpecifyKind(day, DateTimeKind.Utc);
        }

        errors.Add(field, "Use a date as YYYY-MM-DD.");
        return null;
    }
}

public static class AuditQuery
{
    /// <summary>One page, newest first, keyset-paged on the entries' UUID v7 ids.</summary>
    public static async Task<Page<AuditEntryResponse>> PageAsync(SpotlightDb db, IQueryable<AuditEntry> query, PageRequest page, CancellationToken cancellationToken)
    {
        if (page.After is { } after)
        {
            query = query.Where(e => e.Id.CompareTo(after) < 0);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(page.Limit + 1).ToListAsync(cancellationToken);
        var handles = await HandlesAsync(db, rows, cancellationToken);
        return page.ToPage(rows, e => e.Id, e => Map(e, handles));
    }

    /// <summary>Streams every matching entry as CSV (RFC 4180), newest first, in batches so memory stays flat.</summary>
    public static async Task WriteCsvAsync(SpotlightDb db, IQueryable<AuditEntry> query, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
        await writer.WriteLineAsync("id,at,actor_id,actor_handle,action,target_type,target_id,ip,request_id,details");
        Guid? after = null;
        while (true)
        {
            var batch = query;
            if (after is { } last)
            {
                batch = batch.Where(e => e.Id.CompareTo(last) < 0);
            }

            var rows = await batch.OrderByDescending(e => e.Id).Take(1000).ToListAsync(cancellationToken);
            if (rows.Count == 0)
            {
                break;
            }

            var handles = await HandlesAsync(db, rows, cancellationToken);
            foreach (var e in rows)
            {
                var line = string.Join(',', new[]
                {
                    e.Id.ToString(), e.At.ToString("O", CultureInfo.InvariantCulture), e.ActorId?.ToString(), e.ActorId is { } a ? handles.GetValueOrDefault(a) : null,
                    e.Action, e.TargetType, e.TargetId, e.Ip, e.RequestId, e.Details,
                }.Select(Cell));
                await writer.WriteLineAsync(line);
            }

            after = rows[^1].Id;
            await writer.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Quotes a CSV cell, and defuses a leading =, +, - or @ that a spreadsheet would run as a formula.</summary>
    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 || value[0] == '\'' ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static async Task<Dictionary<Guid, string>> HandlesAsync(SpotlightDb db, List<AuditEntry> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Where(r => r.ActorId is not null).Select(r => r.ActorId!.Value).Distinct().ToList();
        return (await UserNames.HandlesAsync(db, ids, cancellationToken)).ToDictionary(u => u.Key, u => u.Value ?? "");
    }

    private static AuditEntryResponse Map(AuditEntry e, Dictionary<Guid, string> handles) =>
        new(e.Id, e.At, e.ActorId, e.ActorId is { } id ? handles.GetValueOrDefault(id) : null, e.Action, e.TargetType, e.TargetId, e.Ip, e.RequestId, e.Details);
}
