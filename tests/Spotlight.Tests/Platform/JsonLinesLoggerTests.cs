using System.Text.Json;
using Microsoft.Extensions.Logging.Console;
using Spotlight.Platform.Observability;

namespace Spotlight.Tests.Platform;

/// <summary>Production's log sink: the built-in JSON formatter's lines, written in batches, none lost, all flushed at shutdown.</summary>
public sealed class JsonLinesLoggerTests
{
    [Fact]
    public async Task Every_line_is_the_json_formatters_output_with_its_scopes_and_none_is_lost()
    {
        using var services = new ServiceCollection()
            .AddLogging(b => b.AddJsonConsole(o => o.IncludeScopes = true))
            .BuildServiceProvider();
        var output = new MemoryStream();
        var provider = new JsonLinesLoggerProvider(services.GetServices<ConsoleFormatter>(), new NonClosingStream(output));
        provider.SetScopeProvider(new LoggerExternalScopeProvider());
        var logger = provider.CreateLogger("Spotlight.Access");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 2_500; i++)
            {
                using (logger.BeginScope(new Dictionary<string, object?> { ["RequestId"] = $"r{worker}-{i}" }))
                {
                    logger.LogInformation("GET {Path} {StatusCode}", "/health/live", 200);
                }
            }
        })));
        await provider.DisposeAsync();

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20_000, lines.Length);
        var ids = new HashSet<string>();
        foreach (var line in lines)
        {
            var json = JsonDocument.Parse(line).RootElement;
            Assert.Equal("Spotlight.Access", json.GetProperty("Category").GetString());
            Assert.Equal("GET /health/live 200", json.GetProperty("Message").GetString());
            ids.Add(json.GetProperty("Scopes")[0].GetProperty("RequestId").GetString()!);
        }

        Assert.Equal(20_000, ids.Count);
    }

    [Fact]
    public async Task A_line_logged_after_shutdown_does_not_throw_into_the_caller()
    {
        // A hosted service's StopAsync may log after the host disposed the logger (seen in CI: NodeHeartbeat's warning
        // failed a test with "The channel has been closed").
        using var services = new ServiceCollection().AddLogging(b => b.AddJsonConsole()).BuildServiceProvider();
        var provider = new JsonLinesLoggerProvider(services.GetServices<ConsoleFormatter>(), new NonClosingStream(new MemoryStream()));
        var logger = provider.CreateLogger("Spotlight.Realtime");
        await provider.DisposeAsync();

        var error = Record.Exception(() => logger.LogWarning("Could not take this node's connections off presence at shutdown"));

        Assert.Null(error);
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
