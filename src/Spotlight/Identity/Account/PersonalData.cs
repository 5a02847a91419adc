using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Spotlight.Identity.Account;

/// <summary>A column that holds a user's id: the rows where it names the user are that user's personal data.</summary>
public sealed record PersonalDataColumn(Type Entity, string Property);

/// <summary>
/// One module's share of a user's personal data (GDPR export and erasure). Each module that stores rows about a user
/// implements it in its own folder, over its own tables, and registers it with <c>services.AddPersonalData&lt;T&gt;()</c>;
/// Identity runs them all for an export (<see cref="ExportAsync"/>, one JSON file per kind) and for a deletion
/// (<see cref="EraseAsync"/>, in one transaction). <see cref="Covers"/> names every user-id column the module's rows have:
/// a test fails when an entity has a user-id column that no implementation covers and that is not allowed to stay.
/// </summary>
public interface IPersonalData
{
    /// <summary>The kinds of data it exports, each a file <c>&lt;kind&gt;.json</c> in the archive (e.g. <c>follows</c>).</summary>
    IReadOnlyCollection<string> Kinds { get; }

    /// <summary>The user-id columns whose rows it exports and erases (or deliberately keeps, anonymized).</summary>
    IReadOnlyCollection<PersonalDataColumn> Covers { get; }

    /// <summary>Writes the user's data of each of its <see cref="Kinds"/> (and any files, such as media).</summary>
    Task ExportAsync(Guid userId, IExportWriter writer, CancellationToken cancellationToken);

    /// <summary>
    /// Erases the user's data on the caller's <c>SpotlightDb</c>, inside the deletion's transaction (never a transaction of
    /// its own). Bytes outside the database go after the commit (<see cref="PersonalDataErasure.AfterCommit"/>). Must be
    /// idempotent: an interrupted deletion is run again.
    /// </summary>
    Task EraseAsync(Guid userId, PersonalDataErasure erasure, CancellationToken cancellationToken);
}

/// <summary>Where an export goes: the archive being written.</summary>
public interface IExportWriter
{
    /// <summary>Writes <paramref name="data"/> as JSON to <c>&lt;kind&gt;.json</c>.</summary>
    Task WriteAsync<T>(string kind, T data, CancellationToken cancellationToken);

    /// <summary>Copies a file into the archive at <paramref name="path"/> (e.g. <c>media/&lt;id&gt;.jpg</c>).</summary>
    Task WriteFileAsync(string path, Stream content, CancellationToken cancellationToken);
}

/// <summary>One deletion as the modules see it: when it happens, and what must wait for its commit.</summary>
public sealed class PersonalDataErasure(DateTime now)
{
    private readonly List<Func<CancellationToken, Task>> _afterCommit = [];

    public DateTime Now => now;

    /// <summary>Work that must not happen unless the deletion committed (deleting files).</summary>
    public void AfterCommit(Func<CancellationToken, Task> action) => _afterCommit.Add(action);

    internal async Task RunAfterCommitAsync(ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var action in _afterCommit)
        {
            try
            {
                await action(cancellationToken);
            }
#pragma warning disable CA1031 // a file that cannot be removed now must not undo a committed deletion; cleanup jobs retry
            catch (Exception exception)
#pragma warning restore CA1031
            {
                logger.LogWarning(exception, "A step after an account deletion failed; the module's cleanup job removes what is left");
            }
        }
    }
}

/// <summary>An account was deleted (anonymized, its data erased); raised with the deletion. Integrators see it as <c>user.deleted</c>.</summary>
public sealed record UserDeleted(Guid UserId, DateTime DeletedAt) : Platform.Events.IDomainEvent;

public static class PersonalDataServiceCollectionExtensions
{
    /// <summary>Adds a module's <see cref="IPersonalData"/> (scoped: it works on the request's <c>SpotlightDb</c>).</summary>
    public static IServiceCollection AddPersonalData<T>(this IServiceCollection services) where T : class, IPersonalData
    {
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IPersonalData, T>());
        return services;
    }
}
