using Microsoft.EntityFrameworkCore;

namespace Spotlight.Realtime.Presence;

/// <summary>
/// Who may see a user's presence, told by the modules that know the relationships (Social: followers, and blocks that
/// hide it; Messaging: conversation partners). Realtime unites what every registered audience says: a user's
/// <c>presence</c> goes to its watchers but the hidden, and <c>GET /users/{id}/presence</c> answers the same people.
/// Register one with <c>services.AddPresenceAudience&lt;T&gt;()</c>.
/// </summary>
public interface IPresenceAudience
{
    /// <summary>Users who may see <paramref name="userId"/>'s presence: a query to compose (it runs in the database), or null for none.</summary>
    IQueryable<Guid>? Watchers(Guid userId);

    /// <summary>Users who must not see it whatever another audience says (a block either way): a query to compose, or null for none.</summary>
    IQueryable<Guid>? Hidden(Guid userId);
}

/// <summary>All audiences together, as two queries to compose.</summary>
internal sealed class PresenceAudiences(IEnumerable<IPresenceAudience> audiences)
{
    public IQueryable<Guid>? Watchers(Guid userId) => Union(audiences.Select(a => a.Watchers(userId)));

    public IQueryable<Guid>? Hidden(Guid userId) => Union(audiences.Select(a => a.Hidden(userId)));

    /// <summary>Whether <paramref name="viewer"/> may see <paramref name="userId"/>'s presence (the user always may).</summary>
    public async Task<bool> MaySeeAsync(Guid viewer, Guid userId, CancellationToken cancellationToken)
    {
        if (viewer == userId)
        {
            return true;
        }

        var watchers = Watchers(userId);
        var hidden = Hidden(userId);
        return watchers is not null && await watchers.AnyAsync(w => w == viewer, cancellationToken)
            && (hidden is null || !await hidden.AnyAsync(h => h == viewer, cancellationToken));
    }

    private static IQueryable<Guid>? Union(IEnumerable<IQueryable<Guid>?> queries) =>
        queries.OfType<IQueryable<Guid>>().Aggregate((IQueryable<Guid>?)null, (all, next) => all is null ? next : all.Concat(next));
}

public static class PresenceAudienceServiceCollectionExtensions
{
    /// <summary>Adds a module's say in who sees presence (scoped: it may compose queries on the request's database context).</summary>
    public static IServiceCollection AddPresenceAudience<T>(this IServiceCollection services) where T : class, IPresenceAudience =>
        services.AddScoped<IPresenceAudience, T>();
}
