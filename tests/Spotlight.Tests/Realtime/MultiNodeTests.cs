using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Spotlight.Realtime;
using Spotlight.Realtime.Fanout;
using Spotlight.Tests.Infrastructure;
using Spotlight.Tests.Messaging;

namespace Spotlight.Tests.Realtime;

/// <summary>Two Spotlight servers on one PostgreSQL database, as behind a load balancer without sticky sessions.</summary>
public class TwoNodes : IAsyncLifetime
{
    public Node First { get; private set; } = null!;

    public Node Second { get; private set; } = null!;

    /// <summary>Settings both nodes add to the defaults (a feature's fixture derives and names its own).</summary>
    protected virtual IReadOnlyDictionary<string, string?> NodeSettings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        if (!TestDatabase.IsPostgres)
        {
            return; // the tests are skipped; two nodes on one SQLite file mean nothing
        }

        First = new Node(null, NodeSettings);
        await First.InitializeAsync();
        Second = new Node(First, NodeSettings);
        await Second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (Second is not null)
        {
            await ((IAsyncLifetime)Second).DisposeAsync();
        }

        if (TestDatabase.IsPostgres)
        {
            await ((IAsyncLifetime)First).DisposeAsync();
        }
    }

    /// <summary>A server; the second shares the first one's database and keys, as every node of a deployment does.</summary>
    public sealed class Node(Node? first, IReadOnlyDictionary<string, string?> extra) : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings
        {
            get
            {
                var settings = new Dictionary<string, string?>(extra) { ["Realtime:ListenerRetrySeconds"] = "2" };
                if (first is not null)
                {
                    var secrets = JsonNode.Parse(File.ReadAllText(Path.Combine(first.DataDirectory, "secrets.json")))!;
                    settings["Jwt:SigningKey"] = secrets["Jwt:SigningKey"]!.GetValue<string>();
                    settings["Secrets:EncryptionKey"] = secrets["Secrets:EncryptionKey"]!.GetValue<string>();
                }

                return settings;
            }
        }

        public string NodeId => Services.GetRequiredService<RealtimeNode>().Id;

        public ListenerState Listener => Services.GetRequiredService<ListenerState>();

        protected override Task<TestDatabase> CreateDatabaseAsync() => first is null ? base.CreateDatabaseAsync() : Task.FromResult(first.Database.Share());
    }
}

public sealed class MultiNodeTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

    [PostgresFact]
    public async Task Users_on_different_nodes_chat_see_each_others_presence_and_get_notifications()
    {
        var ann = await nodes.First.CreateUserAsync();
        var bob = await nodes.Second.CreateUserAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await ann.Client.PostAsync($"/api/v1/users/{bob.Id}/follow", null)).StatusCode);
        await using var annHub = await nodes.First.ConnectHubAsync(ann);

        await using var bobHub = await nodes.Second.ConnectHubAsync(bob);
        var online = await annHub.WaitForAsync("presence", p => p.GetProperty("userId").GetGuid() == bob.Id);
        Assert.True(online.GetProperty("online").GetBoolean());

        // Bob is connected now (Ann saw him come online), so a follow from node 1 must reach him live on node 2. Not Ann's
        // follow above: it was made before Bob connected, and the notification may have been sent before he was there.
        var carol = await nodes.First.CreateUserAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await carol.Client.PostAsync($"/api/v1/users/{bob.Id}/follow", null)).StatusCode);
        var followed = await bobHub.WaitForAsync("notification", n => n.GetProperty("type").GetString() == "follow"
            && n.GetProperty("actor").GetProperty("id").GetGuid() == carol.Id);
        Assert.Equal(carol.Handle, followed.GetProperty("actor").GetProperty("handle").GetString());

        var conversation = await Chat.DirectAsync(ann, bob);
        var hello = await annHub.InvokeAsync("SendMessage", conversation.ToString(), "n1", "hello from node 1");
        var atBob = await bobHub.WaitForAsync("message", m => m.GetProperty("id").GetGuid() == hello.GetProperty("id").GetGuid());
        Assert.Equal("hello from node 1", atBob.GetProperty("text").GetString());
        await bobHub.InvokeAsync("Typing", conversation.ToString());
        await annHub.WaitForAsync("typing", t => t.GetProperty("userId").GetGuid() == bob.Id);
        await bobHub.InvokeAsync("MarkRead", conversation.ToString(), hello.GetProperty("id").GetString());
        await annHub.WaitForAsync("read", r => r.GetProperty("userId").GetGuid() == bob.Id);
        var reply = await bobHub.InvokeAsync("SendMessage", conversation.ToString(), "n2", "hello from node 2");
        await annHub.WaitForAsync("message", m => m.GetProperty("id").GetGuid() == reply.GetProperty("id").GetGuid());

        await bobHub.DisposeAsync();
        var offline = await annHub.WaitForAsync("presence", p => p.GetProperty("userId").GetGuid() == bob.Id && !p.GetProperty("online").GetBoolean());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, offline.GetProperty("lastSeenAt").ValueKind);
    }

    [PostgresFact]
    public async Task A_ban_on_one_node_closes_the_users_connections_on_the_other()
    {
        var admin = await nodes.First.CreateAdminAsync();
        var bob = await nodes.Second.CreateUserAsync();
        await using var bobHub = await nodes.Second.ConnectHubAsync(bob);

        (await admin.Client.PostAsJsonAsync($"/api/v1/admin/users/{bob.Id}/ban", new { reason = "spam" })).EnsureSuccessStatusCode();

        await bobHub.Closed.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [PostgresFact]
    public async Task A_node_that_loses_its_listening_connection_recovers_and_catches_up_without_duplicates()
    {
        var ann = await nodes.First.CreateUserAsync();
        var bob = await nodes.Second.CreateUserAsync();
        var conversation = (await Chat.DirectAsync(ann, bob)).ToString();
        await using var annHub = await nodes.First.ConnectHubAsync(ann);
        await using var bobHub = await nodes.Second.ConnectHubAsync(bob);
        await annHub.InvokeAsync("SendMessage", conversation, "before", "before the drop");
        await bobHub.WaitForAsync("message");
        var reconnects = nodes.Second.Listener.Reconnects;
        var caughtUp = nodes.Second.Listener.CaughtUpSignals;

        await KillListenerAsync(nodes.Second);
        await WaitUntilAsync(() => !nodes.Second.Listener.IsListening, "the second node to notice its listener is gone");
        var missed = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            var sent = await annHub.InvokeAsync("SendMessage", conversation, $"gap-{i}", $"sent while node 2 was deaf {i}");
            missed.Add(sent.GetProperty("id").GetString()!);
        }

        var arrived = await bobHub.WaitForCountAsync("message", 4, timeout: TimeSpan.FromSeconds(20));
        var after = await annHub.InvokeAsync("SendMessage", conversation, "after", "after recovery");
        await bobHub.WaitForAsync("message", m => m.GetProperty("id").GetGuid() == after.GetProperty("id").GetGuid());
        await Task.Delay(Quiet);

        Assert.True(nodes.Second.Listener.IsListening);
        Assert.True(nodes.Second.Listener.Reconnects > reconnects);
        Assert.True(nodes.Second.Listener.CaughtUpSignals >= caughtUp + 3, "the missed messages came from realtime_events");
        Assert.Equal(missed, arrived.Skip(1).Select(m => m.GetProperty("id").GetString()));
        var all = bobHub.EventsOf("message").Select(m => m.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal([1L, 2, 3, 4, 5], all); // each exactly once, in order, although the catch-up re-read "before the drop" too
    }

    private static async Task KillListenerAsync(TwoNodes.Node node)
    {
        await using var connection = new NpgsqlConnection(node.Database.ConnectionString);
        await connection.OpenAsync();
        await using var kill = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", connection);
        kill.Parameters.Add(new NpgsqlParameter { Value = Spotlight.Realtime.Fanout.PostgresSignalListener.ApplicationName(node.NodeId) });
        Assert.Equal(1L, await kill.ExecuteScalarAsync());
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited 10 s for {what}.");
            await Task.Delay(20);
        }
    }
}
