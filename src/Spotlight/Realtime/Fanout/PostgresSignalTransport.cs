using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spotlight.Data;

namespace Spotlight.Realtime.Fanout;

/// <summary>
/// Several nodes (PostgreSQL): a signal is a row in <c>realtime_events</c> plus <c>pg_notify</c>, both in the caller's
/// transaction, so PostgreSQL delivers it to every listening node when (and only if) the transaction commits, in commit order.
/// </summary>
internal sealed class PostgresSignalTransport(NpgsqlDataSource dataSource, TimeProvider time) : ISignalTransport
{
    public const string Channel = "spotlight_realtime";

    public async Task StageAsync(SpotlightDb db, RealtimeSignal signal, CancellationToken cancellationToken)
    {
        var payload = signal.Serialize();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO realtime_events ("Id", "Kind", "Payload", "CreatedAt") VALUES ({signal.Id}, {signal.Kind}, {payload}, {time.GetUtcNow().UtcDateTime});
            SELECT pg_notify('spotlight_realtime', {payload});
            """, cancellationToken);
    }

    public async Task PublishAsync(RealtimeSignal signal, bool durable, CancellationToken cancellationToken)
    {
        var payload = signal.Serialize();
        await using var batch = dataSource.CreateBatch();
        if (durable)
        {
            var insert = new NpgsqlBatchCommand("""INSERT INTO realtime_events ("Id", "Kind", "Payload", "CreatedAt") VALUES ($1, $2, $3, $4)""");
            insert.Parameters.Add(new NpgsqlParameter { Value = signal.Id });
            insert.Parameters.Add(new NpgsqlParameter { Value = signal.Kind });
            insert.Parameters.Add(new NpgsqlParameter { Value = payload });
            insert.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime });
            batch.BatchCommands.Add(insert);
        }

        var notify = new NpgsqlBatchCommand("SELECT pg_notify('spotlight_realtime', $1)");
        notify.Parameters.Add(new NpgsqlParameter { Value = payload });
        batch.BatchCommands.Add(notify);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
