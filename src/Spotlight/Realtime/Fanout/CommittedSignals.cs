using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Spotlight.Data;
using Microsoft.EntityFrameworkCore.Storage;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// Holds the signals staged in each open transaction and hands them over when it commits; a rollback drops them. With
/// <paramref name="orderCommits"/>, commits that carry signals pass one gate from "committing" to "handed over", so they
/// are handed over in commit order even when two finish on different threads (SQLite, whose writes are serial anyway; on
/// PostgreSQL the gate would serialize every commit on this node).
/// </summary>
internal abstract class CommittedSignals(bool orderCommits) : IDbTransactionInterceptor, IDisposable
{
    private readonly ConditionalWeakTable<DbTransaction, Pending> _pending = [];
    private readonly SemaphoreSlim _commitOrder = new(1, 1);

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (orderCommits && _pending.TryGetValue(transaction, out var pending))
        {
            _commitOrder.Wait();
            pending.HoldsGate = true;
        }

        return result;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (orderCommits && _pending.TryGetValue(transaction, out var pending))
        {
            await _commitOrder.WaitAsync(cancellationToken);
            pending.HoldsGate = true;
        }

        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (_pending.TryGetValue(transaction, out var pending))
        {
            _pending.Remove(transaction);
            try
            {
                Committed(pending.Signals);
            }
            finally
            {
                Release(pending);
            }
        }
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Drop(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Drop(transaction);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Drop(transaction);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Drop(transaction);
        return Task.CompletedTask;
    }

    public void Dispose() => _commitOrder.Dispose();

    /// <summary>Keeps a signal until the caller's open transaction ends.</summary>
    protected static void Hold(CommittedSignals owner, SpotlightDb db, RealtimeSignal signal)
    {
        var pending = owner._pending.GetValue(db.Database.CurrentTransaction!.GetDbTransaction(), static _ => new Pending());
        lock (pending.Signals)
        {
            pending.Signals.Add(signal);
        }
    }

    /// <summary>The transaction that held these signals committed: send them on, in the order they were staged.</summary>
    protected abstract void Committed(IReadOnlyList<RealtimeSignal> signals);

    private void Drop(DbTransaction transaction)
    {
        if (_pending.TryGetValue(transaction, out var pending))
        {
            _pending.Remove(transaction);
            Release(pending);
        }
    }

    private void Release(Pending pending)
    {
        if (pending.HoldsGate)
        {
            pending.HoldsGate = false;
            _commitOrder.Release();
        }
    }

    private sealed class Pending
    {
        public List<RealtimeSignal> Signals { get; } = [];

        public bool HoldsGate { get; set; }
    }
}
