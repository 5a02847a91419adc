namespace Spotlight.BrowserTests;

/// <summary>
/// A browser test closes the pages it opened when it ends: an open dashboard keeps polling the server every second, and
/// a class's earlier tests would otherwise go on loading the one server (and the two CI cores) under the later ones.
/// </summary>
public abstract class BrowserTest(BrowserApp app) : IAsyncLifetime
{
    /// <summary>The server and browser this test runs against.</summary>
    protected BrowserApp App => app;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.CloseContextsAsync();
}
