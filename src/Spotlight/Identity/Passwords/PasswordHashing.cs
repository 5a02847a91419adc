using Microsoft.AspNetCore.Identity;

namespace Spotlight.Identity.Passwords;

/// <summary>
/// Identity's PBKDF2-HMAC-SHA512 hasher behind <see cref="PasswordHashGate"/>. Returns <c>null</c> when the gate's queue is
/// full: the caller answers 429 instead of letting hashes starve every other request of CPU.
/// </summary>
public sealed class PasswordHashing(IPasswordHasher<User> hasher, PasswordHashGate gate)
{
    // A hash of nothing anybody knows, verified when the email is unknown so that such a login costs a hash too.
    private readonly Lazy<string> _decoy = new(() => hasher.HashPassword(new User(), Convert.ToBase64String(Guid.NewGuid().ToByteArray())));

    public async Task<string?> HashAsync(User user, string password, CancellationToken cancellationToken)
    {
        using var lease = await gate.EnterAsync(cancellationToken);
        return lease.IsAcquired ? hasher.HashPassword(user, password) : null;
    }

    /// <summary>Verifies against the user's hash, or against a decoy when there is no user, so both take one hash.</summary>
    public async Task<PasswordVerificationResult?> VerifyAsync(User? user, string password, CancellationToken cancellationToken)
    {
        using var lease = await gate.EnterAsync(cancellationToken);
        if (!lease.IsAcquired)
        {
            return null;
        }

        if (user?.PasswordHash is not { } hash)
        {
            hasher.VerifyHashedPassword(new User(), _decoy.Value, password);
            return PasswordVerificationResult.Failed;
        }

        return hasher.VerifyHashedPassword(user, hash, password);
    }
}
