using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Spotlight.Tests.Infrastructure;

/// <summary>
/// Notes every SQL round trip a request makes (commands, EF's savepoints, commits) into <paramref name="commands"/> when
/// <paramref name="counted"/> says the request's path is one to count: the cost tests assert on the count. Register it as an EF Core <c>IInterceptor</c>.
/// </summary>
public sealed class SqlCommandCounter(IHttpContextAccessor http, ConcurrentQueue<string> commands, Func<string, bool> counted)
    : DbCommandInterceptor, IDbTransactionInterceptor
{
    private void Note(string text)
    {
        if (counted(http.HttpContext?.Request.Path.Value ?? ""))
        {
            commands.Enqueue(text);
        }
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Note(command.CommandText);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(command.CommandText);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Note(command.CommandText);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    // EF Core sets a savepoint before SaveChanges inside a transaction of the caller's, and on PostgreSQL that is a
    // statement (a round trip) of its own.
    public ValueTask<InterceptionResult> CreatingSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Note("SAVEPOINT");
        return ValueTask.FromResult(result);
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Note("COMMIT");
        return Task.CompletedTask;
    }
}
