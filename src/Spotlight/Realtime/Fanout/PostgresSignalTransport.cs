using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spotlight.Data;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// Several nodes (PostgreSQL). A staged signal is a row in <c>realtime_events</c>, written in the caller's transaction,
/// so it is durable exactly when the change is. When the transaction commits, the signal goes to this node's dispatcher at
/// once and to <see cref="NotifyPublisher"/>, which NOTIFYs the other nodes. NOTIFY is not issued inside the caller's
/// transaction: PostgreSQL serializes the commits of transactions that notify (one global lock held through the commit's
/// WAL flush), which would cap the whole cluster at one durable commit at a time.
/// </summary>
internal sealed class PostgresSignalTransport(NpgsqlDataSource dataSource, SignalDispatcher dispatcher, NotifyPublisher publisher, TimeProvider time)
    : CommittedSignals(orderAllCommits: false), ISignalTransport
{
    public const string Channel = "spotlight_realtime";

    public async Task StageAsync(SpotlightDb db, RealtimeSignal signal, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO realtime_events ("Id", "Kind", "Payload", "CreatedAt") VALUES ({signal.Id}, {signal.Kind}, {signal.Serialize()}, {time.GetUtcNow().UtcDateTime})
            """, cancellationToken);
        Hold(this, db, signal);
    }

    public async Task PublishAsync(RealtimeSignal signal, bool durable, CancellationToken cancellationToken)
    {
        if (durable)
        {
            await using var insert = dataSource.CreateCommand("""INSERT INTO realtime_events ("Id", "Kind", "Payload", "CreatedAt") VALUES ($1, $2, $3, $4)""");
            insert.Parameters.Add(new NpgsqlParameter { Value = signal.Id });
            insert.Parameters.Add(new NpgsqlParameter { Value = signal.Kind });
            insert.Parameters.Add(new NpgsqlParameter { Value = signal.Serialize() });
            insert.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        Committed([signal]);
    }

    protected override void Committed(IReadOnlyList<RealtimeSignal> signals)
    {
        foreach (var signal in signals)
        {
            dispatcher.Enqueue(signal);
            publisher.Enqueue(signal);
        }
    }
}
