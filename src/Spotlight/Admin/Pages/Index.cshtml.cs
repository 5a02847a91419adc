using Spotlight.Admin.Console;
using Spotlight.Admin.Dashboard;

namespace Spotlight.Admin.Pages;

public sealed class IndexModel(DashboardReader dashboard) : AdminPage
{
    public DashboardSnapshot Snapshot { get; private set; } = null!;

    public async Task OnGetAsync() => Snapshot = await dashboard.ReadAsync(HttpContext.RequestAborted);
}
