using Microsoft.AspNetCore.SignalR;

// bench/live's ceiling: the least an ASP.NET Core app can do to fan a gift out to a group. A viewer connects to
// /hubs/bench (no authentication) and calls Join(group); POST /gift?group=G&sender=S&recipient=R sends to the group a
// `gift` with the same fields and size as Spotlight's (sentAt taken here, as Spotlight takes it before its commit), not
// awaited (as Spotlight's delivery does), and answers with its transactionId.
// Variants (environment): BAREHUB_WINDOW_MS=N holds gifts up to N ms and sends what came in that window back to back
// (SignalR then writes several to a connection in one WebSocket frame); BAREHUB_INLINE=1 runs Kestrel's socket
// continuations inline (with DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1).
var window = int.TryParse(Environment.GetEnvironmentVariable("BAREHUB_WINDOW_MS"), out var ms) ? ms : 0;
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
if (Environment.GetEnvironmentVariable("BAREHUB_INLINE") == "1")
{
    builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
}

builder.Services.AddSignalR();
var app = builder.Build();
app.MapHub<BenchHub>("/hubs/bench");
var pending = System.Threading.Channels.Channel.CreateUnbounded<(string Group, Gift Gift)>();
app.MapPost("/gift", (string group, Guid sender, Guid recipient, IHubContext<BenchHub> hub) =>
{
    var transactionId = Guid.CreateVersion7();
    var gift = new Gift(transactionId, sender, recipient, "rose", "Rose", 1, 10, DateTime.UtcNow);
    if (window > 0)
    {
        pending.Writer.TryWrite((group, gift));
    }
    else
    {
        _ = hub.Clients.Group(group).SendAsync("gift", gift);
    }

    return Results.Json(new TransactionIdOnly(transactionId), BareJson.Default.TransactionIdOnly);
});
if (window > 0)
{
    var hub = app.Services.GetRequiredService<IHubContext<BenchHub>>();
    _ = Task.Run(async () =>
    {
        while (await pending.Reader.WaitToReadAsync())
        {
            await Task.Delay(window);
            while (pending.Reader.TryRead(out var item))
            {
                _ = hub.Clients.Group(item.Group).SendAsync("gift", item.Gift);
            }
        }
    });
}

app.Run();

internal sealed class BenchHub : Hub
{
    public Task Join(string group) => Groups.AddToGroupAsync(Context.ConnectionId, group);
}

internal sealed record Gift(Guid TransactionId, Guid SenderId, Guid RecipientId, string GiftId, string GiftName, int Quantity, long Amount, DateTime SentAt);

internal sealed record TransactionIdOnly(Guid TransactionId);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(TransactionIdOnly))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Gift))]
internal sealed partial class BareJson : System.Text.Json.Serialization.JsonSerializerContext;
