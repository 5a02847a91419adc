using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Spotlight.Platform.Observability;

/// <summary>
/// Production logging: each line is formatted by the built-in JSON console formatter (the same output as
/// <c>AddJsonConsole</c>), on the thread that logs it, and handed to one writer that writes lines to stdout in batches.
/// The built-in console logger writes and flushes every line with a system call from a queue guarded by a monitor, and
/// wakes its writer per line; under load that cost more than the rest of the request pipeline put together (see
/// docs/performance.md). Nothing is dropped: when the writer falls 64k lines behind, loggers wait.
/// </summary>
internal sealed class JsonLinesLoggerProvider : ILoggerProvider, ISupportExternalScope, IAsyncDisposable
{
    private readonly ConsoleFormatter _formatter;
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(65_536)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Task _writer;
    private readonly Stream _output;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public JsonLinesLoggerProvider(IEnumerable<ConsoleFormatter> formatters, Stream? output = null)
    {
        _formatter = formatters.FirstOrDefault(f => f.Name == ConsoleFormatterNames.Json)
            ?? throw new InvalidOperationException("The JSON console formatter is not registered (AddJsonConsole).");
        _output = output ?? Console.OpenStandardOutput();
        _writer = Task.Run(WriteAsync);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _writer.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    private void Enqueue(string line)
    {
        if (_lines.Writer.TryWrite(line))
        {
            return;
        }

        try
        {
            // The writer is far behind: wait for room rather than lose the line.
            _lines.Writer.WriteAsync(line).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            // Logged after the provider was disposed (a hosted service's last words at shutdown): never throw into the
            // caller for it; the line goes to standard error rather than nowhere.
            Console.Error.WriteLine(line);
        }
    }

    private async Task WriteAsync()
    {
        await using var writer = new StreamWriter(_output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024);
        var reader = _lines.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var line))
            {
                await writer.WriteAsync(line).ConfigureAwait(false);
            }

            // Everything queued is written: flush once for the whole batch.
            await writer.FlushAsync().ConfigureAwait(false);
        }
    }

    private sealed class Logger(JsonLinesLoggerProvider provider, string category) : ILogger
    {
        [ThreadStatic]
        private static StringWriter? t_buffer;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var buffer = t_buffer ??= new StringWriter(new StringBuilder(1024), System.Globalization.CultureInfo.InvariantCulture);
            var entry = new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter);
            provider._formatter.Write(in entry, provider._scopes, buffer);
            var text = buffer.GetStringBuilder();
            if (text.Length == 0)
            {
                return;
            }

            var line = text.ToString();
            text.Clear();
            if (text.Capacity > 64 * 1024)
            {
                text.Capacity = 1024; // one huge exception must not pin a huge buffer to the thread
            }

            provider.Enqueue(line);
        }
    }
}
