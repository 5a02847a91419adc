using Microsoft.Extensions.Options;
using Spotlight.Admin.Console;
using Spotlight.Admin.Dashboard;

namespace Spotlight.Admin.Pages;

public sealed class IndexModel(DashboardReader dashboard, IOptions<AdminOptions> options) : AdminPage
{
    public int RefreshMilliseconds => (int)Math.Max(1000, options.Value.DashboardRefreshSeconds * 1000);

    public DashboardSnapshot Snapshot { get; private set; } = null!;

    public async Task OnGetAsync() => Snapshot = await dashboard.ReadAsync(IsAdmin, HttpContext.RequestAborted);
}
