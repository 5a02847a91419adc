using Microsoft.AspNetCore.Identity;

namespace Spotlight.Identity.Passwords;

/// <summary>
/// Identity's PBKDF2-HMAC-SHA512 hasher, run on <see cref="PasswordHashWorkers"/>. Returns <c>null</c> when their queue is
/// full: the caller answers 429 instead of letting hashes starve every other request of CPU.
/// </summary>
public sealed class PasswordHashing(IPasswordHasher<User> hasher, PasswordHashWorkers workers)
{
    // A hash of nothing anybody knows, verified when the email is unknown so that such a login costs a hash too.
    private readonly Lazy<string> _decoy = new(() => hasher.HashPassword(new User(), Convert.ToBase64String(Guid.NewGuid().ToByteArray())));

    public async Task<string?> HashAsync(User user, string password, CancellationToken cancellationToken) =>
        workers.TryRun(() => hasher.HashPassword(user, password), out var hash) ? await hash.WaitAsync(cancellationToken) : null;

    /// <summary>Verifies against the user's hash, or against a decoy when there is no user, so both take one hash.</summary>
    public async Task<PasswordVerificationResult?> VerifyAsync(User? user, string password, CancellationToken cancellationToken)
    {
        var stored = user?.PasswordHash;
        var decoy = stored is null ? _decoy.Value : null;
        if (!workers.TryRun(() => stored is null
                ? Decoy(decoy!, password)
                : hasher.VerifyHashedPassword(user!, stored, password), out var verdict))
        {
            return null;
        }

        return await verdict.WaitAsync(cancellationToken);
    }

    private PasswordVerificationResult Decoy(string decoy, string password)
    {
        hasher.VerifyHashedPassword(new User(), decoy, password);
        return PasswordVerificationResult.Failed;
    }
}
