using Microsoft.EntityFrameworkCore;
using Spotlight.Data;
using Spotlight.Identity.Accounts;
using Spotlight.Identity.Passwords;
using Spotlight.Platform.Audit;
using Spotlight.Platform.Commands;
using Spotlight.Platform.Errors;

namespace Spotlight.Identity.Administration;

/// <summary>
/// <c>admin create --email E --password-stdin [--handle H] [--promote]</c>: the only way the first administrator comes to be.
/// The password is read from standard input (never from an argument, which other users of the machine can see).
/// </summary>
internal sealed class AdminCreateCommand : ICliCommand
{
    public IReadOnlyList<string> Words => ["admin", "create"];

    public string Usage => "admin create --email E --password-stdin [--handle H] [--promote]   create an administrator (or promote an existing account)";

    public async Task<int> RunAsync(IReadOnlyDictionary<string, string?> options, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!options.TryGetValue("email", out var email) || string.IsNullOrWhiteSpace(email))
        {
            throw new CommandException("admin create needs --email E.");
        }

        if (!options.ContainsKey("password-stdin"))
        {
            throw new CommandException("admin create reads the password from standard input: add --password-stdin and pipe it in.");
        }

        var password = (await Console.In.ReadLineAsync(cancellationToken))?.TrimEnd('\r', '\n') ?? "";
        await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var normalizedEmail = AccountRules.NormalizeEmail(email);
        var existing = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalizedEmail, cancellationToken);
        if (existing is not null)
        {
            if (!options.ContainsKey("promote"))
            {
                throw new CommandException($"An account with the email {AccountRules.CanonicalEmail(email)} exists. Add --promote to make it an administrator.");
            }

            if (!existing.IsInRole(Role.Admin))
            {
                existing.Roles = string.Join(',', existing.RoleList.Append(Role.Admin));
                existing.SecurityStamp = Guid.NewGuid().ToString("N");
                audit.Add(db, "user.roles_changed", "user", existing.Id.ToString(), new { via = "command_line", added = Role.Admin }, actorId: existing.Id);
                await db.SaveChangesAsync(cancellationToken);
            }

            Console.WriteLine($"{existing.Email} is an administrator.");
            return 0;
        }

        var handle = AccountRules.NormalizeHandle(options.GetValueOrDefault("handle") ?? email.Split('@')[0]);
        var errors = new FieldErrors();
        AccountRules.CheckEmail(errors, "email", email);
        AccountRules.CheckHandle(errors, "handle", handle);
        scope.ServiceProvider.GetRequiredService<PasswordPolicy>().Check(errors, "password", password, email, handle);
        if (await db.Users.AnyAsync(u => u.NormalizedUserName == handle.ToUpperInvariant(), cancellationToken))
        {
            errors.Add("handle", "This handle is taken; choose one with --handle.");
        }

        if (errors.Any)
        {
            var problem = errors.ToProblem().ProblemDetails;
            throw new CommandException("Refused:\n" + string.Join("\n", problem.Errors.SelectMany(e => e.Value.Select(m => $"  {e.Key}: {m}"))));
        }

        var user = new User
        {
            Id = Guid.CreateVersion7(),
            Email = AccountRules.CanonicalEmail(email),
            NormalizedEmail = normalizedEmail,
            UserName = handle,
            NormalizedUserName = handle.ToUpperInvariant(),
            Roles = Role.User + "," + Role.Admin,
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString(),
            LockoutEnabled = true,
            EmailConfirmed = true,
            CreatedAt = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime,
        };
        user.PasswordHash = await scope.ServiceProvider.GetRequiredService<PasswordHashing>().HashAsync(user, password, cancellationToken);
        db.Users.Add(user);
        audit.Add(db, "user.admin_created", "user", user.Id.ToString(), new { via = "command_line", handle }, actorId: user.Id);
        await db.SaveChangesAsync(cancellationToken);
        Console.WriteLine($"Created administrator {user.Email} (@{handle}).");
        return 0;
    }
}
