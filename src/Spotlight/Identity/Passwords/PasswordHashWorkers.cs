using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Spotlight.Identity.Passwords;

/// <summary>
/// Password hashing is CPU-bound by design, so it runs on a few dedicated threads of its own (as many as
/// <c>Identity:PasswordHashConcurrency</c>, default the core count), at a lower scheduling priority
/// (<c>Identity:PasswordHashNice</c>, default 10) than the threads that serve requests. With nothing else to do the hashes
/// use every core (login throughput stays bound by the hash cost); under a login flood the kernel still hands the cores
/// to the other requests first, so the rest of the API keeps its latency. At most <c>PasswordHashQueue</c> hashes wait;
/// past that a request is refused (429) instead of queueing without bound.
/// </summary>
public sealed class PasswordHashWorkers : IDisposable
{
    private readonly Channel<WorkItem> _work = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = false });
    private readonly int _capacity;
    private readonly int _nice;
    private readonly ILogger<PasswordHashWorkers> _logger;
    private int _admitted;

    public PasswordHashWorkers(SpotlightIdentityOptions options, ILogger<PasswordHashWorkers> logger)
    {
        _logger = logger;
        var workers = Math.Max(1, options.PasswordHashConcurrency);
        _capacity = workers + Math.Max(0, options.PasswordHashQueue);
        _nice = Math.Clamp(options.PasswordHashNice, 0, 19);
        for (var i = 0; i < workers; i++)
        {
            new Thread(Work) { IsBackground = true, Name = $"password-hash-{i + 1}" }.Start();
        }
    }

    /// <summary>Hands the work to a hash thread; false (and no task) when the queue is full.</summary>
    public bool TryRun<T>(Func<T> work, out Task<T> result)
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            result = Task.FromResult(default(T)!);
            return false;
        }

        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Writer.TryWrite(new WorkItem(() =>
        {
            try
            {
                completion.SetResult(work());
            }
#pragma warning disable CA1031 // the failure is handed to the waiting request
            catch (Exception exception)
#pragma warning restore CA1031
            {
                completion.SetException(exception);
            }
        }));
        result = completion.Task;
        return true;
    }

    public void Dispose() => _work.Writer.TryComplete();

    private void Work()
    {
        LowerPriority();
        var reader = _work.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var item))
            {
                try
                {
                    item.Run();
                }
                finally
                {
                    Interlocked.Decrement(ref _admitted);
                }
            }
        }
    }

    private void LowerPriority()
    {
        if (_nice == 0 || !OperatingSystem.IsLinux())
        {
            return;
        }

        // On Linux each thread has its own nice value: this lowers the calling thread only.
        if (NativeMethods.SetPriority(0, NativeMethods.GetThreadId(), _nice) != 0)
        {
            _logger.LogWarning("Could not lower the priority of a password-hash thread (errno {Errno}); hashes run at normal priority", Marshal.GetLastPInvokeError());
        }
    }

    private sealed record WorkItem(Action Run);

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for two int-only calls
        [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int SetPriority(int which, int who, int priority);

        [DllImport("libc", EntryPoint = "gettid")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int GetThreadId();
#pragma warning restore SYSLIB1054
    }
}
