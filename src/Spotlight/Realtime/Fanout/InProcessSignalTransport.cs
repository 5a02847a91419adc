using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Spotlight.Data;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// One node (SQLite): signals staged in a transaction are handed to the dispatcher when it commits. Commits that carry
/// signals pass through one gate from "committing" to "handed over", so the dispatcher sees them in commit order (message 5
/// before message 6) even when the two commits finish on different threads.
/// </summary>
internal sealed class InProcessSignalTransport(SignalDispatcher dispatcher) : ISignalTransport, IDbTransactionInterceptor, IDisposable
{
    private readonly ConditionalWeakTable<DbTransaction, Pending> _pending = [];
    private readonly SemaphoreSlim _commitOrder = new(1, 1);

    public Task StageAsync(SpotlightDb db, RealtimeSignal signal, CancellationToken cancellationToken)
    {
        var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        var pending = _pending.GetValue(transaction, static _ => new Pending());
        lock (pending)
        {
            pending.Signals.Add(signal);
        }

        return Task.CompletedTask;
    }

    public Task PublishAsync(RealtimeSignal signal, bool durable, CancellationToken cancellationToken)
    {
        dispatcher.Enqueue(signal);
        return Task.CompletedTask;
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (_pending.TryGetValue(transaction, out var pending))
        {
            _commitOrder.Wait();
            pending.HoldsGate = true;
        }

        return result;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (_pending.TryGetValue(transaction, out var pending))
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
            foreach (var signal in pending.Signals)
            {
                dispatcher.Enqueue(signal);
            }

            Release(pending);
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
