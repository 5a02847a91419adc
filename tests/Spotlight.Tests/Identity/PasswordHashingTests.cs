using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spotlight.Identity;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

/// <summary>Counts the hashes the server computes, to prove that every login costs one, known email or not.</summary>
public sealed class CountingHasher : IPasswordHasher<User>
{
    private readonly PasswordHasher<User> _inner;
    private int _verifications;

    public CountingHasher(Microsoft.Extensions.Options.IOptions<PasswordHasherOptions> options) => _inner = new PasswordHasher<User>(options);

    public int Verifications => Volatile.Read(ref _verifications);

    public string HashPassword(User user, string password) => _inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(User user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref _verifications);
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

public class HashingApp : SpotlightApp
{
    public HashingApp()
    {
    }

    protected HashingApp(SpotlightApp primary)
        : base(primary)
    {
    }

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.RemoveAll<IPasswordHasher<User>>();
        services.AddSingleton<CountingHasher>();
        services.AddSingleton<IPasswordHasher<User>>(sp => sp.GetRequiredService<CountingHasher>());
    }

    public CountingHasher Hasher => Services.GetRequiredService<CountingHasher>();
}

/// <summary>The same database, after an operator raised Identity:PasswordHashIterations.</summary>
public sealed class StrongerHashingNode(SpotlightApp primary) : HashingApp(primary)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Identity:PasswordHashIterations"] = "2000" };
}

public sealed class PasswordHashingTests(HashingApp app) : IClassFixture<HashingApp>
{
    [Fact]
    public async Task A_login_for_an_unknown_email_costs_a_hash_like_any_other()
    {
        var before = app.Hasher.Verifications;
        await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = $"ghost-{Guid.NewGuid():N}@example.com", password = "whatever it may be" });
        Assert.Equal(before + 1, app.Hasher.Verifications);
    }

    [Fact]
    public async Task A_locked_account_still_costs_a_hash_so_timing_does_not_tell()
    {
        var user = await app.CreateUserAsync();
        for (var i = 0; i < 5; i++)
        {
            await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong wrong wrong" });
        }

        var before = app.Hasher.Verifications;
        await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        Assert.Equal(before + 1, app.Hasher.Verifications);
    }

    [Fact]
    public async Task Hashes_use_pbkdf2_sha512_at_the_configured_cost_and_are_upgraded_at_login_when_it_rises()
    {
        var user = await app.CreateUserAsync();
        var original = await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.PasswordHash!).SingleAsync());
        Assert.Equal((1, 2, 1000), Describe(original)); // format v3 (0x01), HMAC-SHA512 (2), 1000 iterations in tests

        await using var stronger = new StrongerHashingNode(app);
        await stronger.InitializeAsync();
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await stronger.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
            var upgraded = await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.PasswordHash!).SingleAsync());
            Assert.Equal((1, 2, 2000), Describe(upgraded));
            Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).StatusCode);
        }
        finally
        {
            await ((IAsyncLifetime)stronger).DisposeAsync();
        }
    }

    [Fact]
    public void The_default_cost_is_the_owasp_figure()
    {
        Assert.Equal(220_000, new SpotlightIdentityOptions().PasswordHashIterations);
    }

    /// <summary>Identity's v3 layout: format marker, PRF (2 = HMAC-SHA512), iteration count (big-endian), salt length, salt, subkey.</summary>
    private static (int Format, int Prf, int Iterations) Describe(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        return (bytes[0], (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)), (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
    }
}

/// <summary>One hash at a time and no queue: a flood of logins is refused with 429 instead of starving the API of CPU.</summary>
public sealed class NarrowHashGateApp : SpotlightApp
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Identity:PasswordHashConcurrency"] = "1",
        ["Identity:PasswordHashQueue"] = "0",
        ["Identity:PasswordHashIterations"] = "60000",
    };
}

public sealed class HashGateTests(NarrowHashGateApp app) : IClassFixture<NarrowHashGateApp>
{
    [Fact]
    public async Task A_login_flood_past_the_hash_gate_gets_429_and_other_endpoints_keep_answering()
    {
        var user = await app.CreateUserAsync();
        var flood = Enumerable.Range(0, 12).Select(_ => app.CreateClientFrom(TestRemoteIp.NextAddress())
            .PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "not the password" })).ToList();
        var me = await user.Client.GetAsync("/api/v1/me");
        var responses = await Task.WhenAll(flood);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Unauthorized);
        var refused = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(refused.Headers.RetryAfter);
    }
}

public sealed class PasswordHashThreadTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    [Fact]
    public async Task Hashes_run_on_threads_that_yield_the_cores_to_requests()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // per-thread nice values are a Linux feature; elsewhere the hash threads run at normal priority
        }

        await app.CreateUserAsync(); // registering hashes a password, so the hash threads exist and have lowered themselves

        // /proc/self/task/<tid>/stat: "tid (comm) state ..." — the nice value is the 19th field, the 17th after the comm.
        var nices = Directory.EnumerateDirectories("/proc/self/task")
            .Select(ReadStat)
            .Where(stat => stat is not null && stat.Contains("(password-hash-", StringComparison.Ordinal))
            .Select(stat => stat!)
            .Select(stat => int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();

        Assert.NotEmpty(nices);
        Assert.All(nices, nice => Assert.Equal(10, nice));
    }

    /// <summary>A thread of the process (other tests run alongside) may end between the listing and the read.</summary>
    private static string? ReadStat(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "stat"));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
