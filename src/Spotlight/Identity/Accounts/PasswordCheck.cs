using Microsoft.AspNetCore.Identity;
using Spotlight.Identity.Passwords;
using Spotlight.Platform.Audit;

namespace Spotlight.Identity.Accounts;

/// <summary>What checking a password takes, in one place for every sign-in and password change: the hashing gate, the hasher (rehash at today's cost), the lockout counter, audit and metrics.</summary>
public sealed class PasswordCheck(PasswordHashing hashing, IPasswordHasher<User> hasher, Lockout lockout, AuditLog audit, IdentityMetrics metrics)
{
    public PasswordHashing Hashing => hashing;

    public IPasswordHasher<User> Hasher => hasher;

    public Lockout Lockout => lockout;

    public AuditLog Audit => audit;

    public IdentityMetrics Metrics => metrics;
}
