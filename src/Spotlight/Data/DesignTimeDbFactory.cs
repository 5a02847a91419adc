using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Spotlight.Data;

/// <summary>
/// Used only by <c>dotnet ef migrations add</c> (see tools/new-migration): the diff is taken against SQLite, and the
/// script then strips the provider's column types so that the one migration runs on SQLite and PostgreSQL alike.
/// </summary>
internal sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<SpotlightDb>
{
    public SpotlightDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SpotlightDb>().UseSqlite("Data Source=design-time.db").Options);
}
