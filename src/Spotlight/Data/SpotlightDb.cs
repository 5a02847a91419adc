using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Spotlight.Identity;

namespace Spotlight.Data;

/// <summary>
/// One database, one context. Each feature owns its entities and maps them with
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes in its own folder.
/// </summary>
public sealed class SpotlightDb(DbContextOptions<SpotlightDb> options) : IdentityUserContext<User, Guid>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(SpotlightDb).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }
}
