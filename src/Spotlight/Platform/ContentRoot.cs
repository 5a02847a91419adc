namespace Spotlight.Platform;

/// <summary>
/// Where <c>appsettings.json</c> is read from. The framework's default is the working directory, so
/// <c>dotnet path/to/Spotlight.dll</c> started anywhere else ran without its settings (no gifts, no top-up packages):
/// the folder the server was built or published into is the default here, unless <c>--contentRoot</c> or
/// <c>DOTNET_CONTENTROOT</c> / <c>ASPNETCORE_CONTENTROOT</c> says otherwise.
/// </summary>
public static class ContentRoot
{
    public static WebApplicationOptions Options(string[] args)
    {
        var chosen = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        return new WebApplicationOptions { Args = args, ContentRootPath = string.IsNullOrWhiteSpace(chosen) ? AppContext.BaseDirectory : null };
    }
}
