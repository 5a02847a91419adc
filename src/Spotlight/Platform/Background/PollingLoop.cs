using System.Data.Common;

namespace Spotlight.Platform.Background;

/// <summary>Lets a background loop sleep until its next poll, or until this node has just committed work for it.</summary>
public sealed class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _wake.Dispose();
}

/// <summary>The loop the job runner and the outbox relay share: drain, sleep until woken or the poll interval, repeat.</summary>
internal static class PollingLoop
{
    /// <param name="drain">Does one unit of work; returns false when there is nothing more to do now.</param>
    public static async Task RunAsync(Func<CancellationToken, Task<bool>> drain, WakeSignal signal, TimeSpan poll, ILogger logger, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await drain(stoppingToken))
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the loop must outlive a failing poll (database restarting, etc.)
            catch (Exception exception)
#pragma warning restore CA1031
            {
                logger.LogWarning(exception, "Background poll failed; retrying");
            }

            try
            {
                await signal.WaitAsync(poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public static void AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
