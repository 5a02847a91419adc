using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Spotlight.Data;
using Microsoft.EntityFrameworkCore.Storage;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// Holds the signals staged in each open transaction and hands them over when it commits; a rollback drops them.
/// Commits that carry signals pass a gate from "committing" to "handed over", so that they are handed over in commit
/// order even when two finish on different threads. With <paramref name="orderAllCommits"/> (SQLite, whose writes are
/// serial anyway) every such commit takes one gate. Otherwise (PostgreSQL, where one gate would serialize every commit
/// of the node) only commits that name a conversation take a gate, one of a few stripes chosen by the conversation: the
/// messages of one conversation are already serialized by its row lock until their commit, so they keep their order on
/// the way to the clients and other conversations almost never wait on each other.
/// </summary>
internal abstract class CommittedSignals(bool orderAllCommits) : IDbTransactionInterceptor, IDisposable
{
    private const int ConversationStripes = 64;
    private readonly ConditionalWeakTable<DbTransaction, Pending> _pending = [];
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, orderAllCommits ? 1 : ConversationStripes).Select(_ => new SemaphoreSlim(1, 1))];

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (_pending.TryGetValue(transaction, out var pending) && GateFor(pending) is { } gate)
        {
            gate.Wait();
            pending.Gate = gate;
        }

        return result;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (_pending.TryGetValue(transaction, out var pending) && GateFor(pending) is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
            pending.Gate = gate;
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

    public void Dispose()
    {
        foreach (var gate in _gates)
        {
            gate.Dispose();
        }
    }

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

    private SemaphoreSlim? GateFor(Pending pending)
    {
        if (orderAllCommits)
        {
            return _gates[0];
        }

        Guid? conversation;
        lock (pending.Signals)
        {
            conversation = pending.Signals.Find(signal => signal.ConversationId is not null)?.ConversationId;
        }

        return conversation is { } id ? _gates[(uint)id.GetHashCode() % ConversationStripes] : null;
    }

    private static void Release(Pending pending)
    {
        if (pending.Gate is { } gate)
        {
            pending.Gate = null;
            gate.Release();
        }
    }

    private sealed class Pending
    {
        public List<RealtimeSignal> Signals { get; } = [];

        public SemaphoreSlim? Gate { get; set; }
    }
}
