using System.Collections.Concurrent;
using System.Text;

namespace Spotlight.Tests.Infrastructure;

/// <summary>Everything the app logs: message, exception and every scope value, as any formatter would print them.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLine> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<CapturedLine> Lines => _lines;

    public string AllText => string.Join("\n", _lines.Select(l => l.Text));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder();
            text.Append(category).Append(' ').Append(formatter(state, exception));
            var scopeValues = new Dictionary<string, string?>(StringComparer.Ordinal);
            owner._scopes.ForEachScope((scope, builder) =>
            {
                builder.Append(" | ").Append(scope);
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs)
                    {
                        scopeValues[key] = value?.ToString();
                        builder.Append(' ').Append(key).Append('=').Append(value);
                    }
                }
            }, text);
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
            {
                foreach (var (key, value) in properties)
                {
                    text.Append(' ').Append(key).Append('=').Append(value);
                }
            }

            if (exception is not null)
            {
                text.Append('\n').Append(exception);
            }

            owner._lines.Enqueue(new CapturedLine(logLevel, category, text.ToString(), scopeValues.GetValueOrDefault("RequestId")));
        }
    }
}

public sealed record CapturedLine(LogLevel Level, string Category, string Text, string? RequestId);
