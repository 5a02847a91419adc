using Spotlight.Admin.Console;
using Spotlight.Admin.SystemStatus;

namespace Spotlight.Admin.Pages.System;

public sealed class IndexModel(SystemReader reader) : AdminPage
{
    public SystemReport Report { get; private set; } = null!;

    public async Task OnGetAsync() => Report = await reader.ReadAsync(HttpContext.RequestAborted);

    public static string Duration(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h" : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{(int)span.TotalMinutes} min {span.Seconds} s";
}
