using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Spotlight.Identity.Passkeys;
using Spotlight.Platform.Audit;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Identity;

/// <summary>Passkeys through the API, with a software authenticator (a P-256 key) standing in for the browser and the device.</summary>
public sealed class PasskeyTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private static async Task<(Guid CeremonyId, JsonElement Options)> BeginAsync(HttpClient client, string path)
    {
        var begun = await (await client.PostAsync(path, null)).ShouldBeAsync(HttpStatusCode.OK);
        return (begun.GetProperty("ceremonyId").GetGuid(), begun.GetProperty("options"));
    }

    /// <summary>Registers the authenticator's key on the user's account through the API; returns the passkey's id.</summary>
    private static async Task<Guid> RegisterAsync(TestUser user, SoftwareAuthenticator authenticator, string? name = null)
    {
        var (ceremonyId, options) = await BeginAsync(user.Client, "/api/v1/auth/passkeys/register/begin");
        var created = await (await user.Client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish",
            new { ceremonyId, name, credential = authenticator.Create(options) })).ShouldBeAsync(HttpStatusCode.Created);
        return created.GetProperty("id").GetGuid();
    }

    private Task<HttpResponseMessage> FinishLoginAsync(Guid ceremonyId, JsonObject credential) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/passkeys/login/finish", new { ceremonyId, credential });

    private async Task<HttpResponseMessage> LoginAsync(SoftwareAuthenticator authenticator)
    {
        var (ceremonyId, options) = await BeginAsync(app.CreateClient(), "/api/v1/auth/passkeys/login/begin");
        return await FinishLoginAsync(ceremonyId, authenticator.Get(options));
    }

    [Fact]
    public async Task A_registered_passkey_signs_in_without_a_password()
    {
        var user = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var (ceremonyId, options) = await BeginAsync(user.Client, "/api/v1/auth/passkeys/register/begin");
        Assert.Equal("localhost", options.GetProperty("rp").GetProperty("id").GetString());
        Assert.Equal("required", options.GetProperty("authenticatorSelection").GetProperty("userVerification").GetString());
        var created = await (await user.Client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish",
            new { ceremonyId, name = "Laptop", credential = authenticator.Create(options) })).ShouldBeAsync(HttpStatusCode.Created);
        Assert.Equal("Laptop", created.GetProperty("name").GetString());

        var login = await (await LoginAsync(authenticator)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(user.Id, login.GetProperty("user").GetProperty("id").GetGuid());
        var me = await (await app.Authorized(login.GetProperty("accessToken").GetString()!).GetAsync("/api/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(user.Handle, me.GetProperty("handle").GetString());

        var listed = await (await user.Client.GetAsync("/api/v1/auth/passkeys")).ShouldBeAsync(HttpStatusCode.OK);
        var passkey = Assert.Single(listed.EnumerateArray());
        Assert.Equal(created.GetProperty("id").GetGuid(), passkey.GetProperty("id").GetGuid());
        Assert.NotEqual(JsonValueKind.Null, passkey.GetProperty("lastUsedAt").ValueKind);
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "auth.login_succeeded" && e.ActorId == user.Id && e.Details!.Contains("passkey"))));
    }

    [Fact]
    public async Task A_challenge_is_answered_once_and_a_replayed_assertion_is_refused()
    {
        var user = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await RegisterAsync(user, authenticator);
        var (ceremonyId, options) = await BeginAsync(app.CreateClient(), "/api/v1/auth/passkeys/login/begin");
        var assertion = authenticator.Get(options);
        await (await FinishLoginAsync(ceremonyId, assertion)).ShouldBeAsync(HttpStatusCode.OK);

        // The very same bytes again (a captured response), and a fresh signature over the spent challenge: both refused.
        await (await FinishLoginAsync(ceremonyId, assertion)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_passkey");
        await (await FinishLoginAsync(ceremonyId, authenticator.Get(options))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_passkey");
        // The challenge of one ceremony does not answer another.
        var (otherCeremony, _) = await BeginAsync(app.CreateClient(), "/api/v1/auth/passkeys/login/begin");
        await (await FinishLoginAsync(otherCeremony, authenticator.Get(options))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_passkey");
    }

    [Fact]
    public async Task A_registration_challenge_is_used_once_and_only_by_the_account_that_began_it()
    {
        var user = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var (ceremonyId, options) = await BeginAsync(user.Client, "/api/v1/auth/passkeys/register/begin");
        var attestation = authenticator.Create(options);

        // Another account cannot finish it (and trying spends it).
        await (await other.Client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId, credential = attestation }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "passkey_ceremony_expired");
        await (await user.Client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId, credential = attestation }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "passkey_ceremony_expired");

        var (second, secondOptions) = await BeginAsync(user.Client, "/api/v1/auth/passkeys/register/begin");
        var fresh = authenticator.Create(secondOptions);
        await (await user.Client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId = second, credential = fresh })).ShouldBeAsync(HttpStatusCode.Created);
        await (await user.Client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId = second, credential = fresh }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "passkey_ceremony_expired");
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<PasskeyCredential>().CountAsync(p => p.UserId == other.Id)));
    }

    [Fact]
    public async Task A_ceremony_left_past_its_lifetime_is_refused()
    {
        var user = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await RegisterAsync(user, authenticator);
        var (ceremonyId, options) = await BeginAsync(app.CreateClient(), "/api/v1/auth/passkeys/login/begin");
        app.Clock.Advance(TimeSpan.FromMinutes(6));
        await (await FinishLoginAsync(ceremonyId, authenticator.Get(options))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_passkey");
    }

    [Fact]
    public async Task A_removed_passkey_can_no_longer_sign_in()
    {
        var user = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var id = await RegisterAsync(user, authenticator);
        await (await LoginAsync(authenticator)).ShouldBeAsync(HttpStatusCode.OK);

        await (await user.Client.DeleteAsync($"/api/v1/auth/passkeys/{id}")).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await LoginAsync(authenticator)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_passkey");
        await (await user.Client.DeleteAsync($"/api/v1/auth/passkeys/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.True(await app.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "auth.passkey_removed" && e.TargetId == id.ToString())));
    }

    [Fact]
    public async Task A_signature_counter_that_does_not_advance_is_refused_as_a_cloned_authenticator()
    {
        var user = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var id = await RegisterAsync(user, authenticator);
        await (await LoginAsync(authenticator)).ShouldBeAsync(HttpStatusCode.OK);
        await (await LoginAsync(authenticator)).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<PasskeyCredential>().Where(p => p.Id == id).Select(p => p.SignCount).SingleAsync()));

        // A copy of the key whose counter is behind (it signs with 2 again, then with 0: no counter at all).
        authenticator.SignCount = 1;
        await (await LoginAsync(authenticator)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_passkey");
        authenticator.SignCount = uint.MaxValue; // the next assertion wraps to 0
        await (await LoginAsync(authenticator)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_passkey");
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == "auth.passkey_clone_suspected" && e.TargetId == id.ToString())));

        // The genuine authenticator, ahead of the stored counter, still signs in.
        authenticator.SignCount = 10;
        await (await LoginAsync(authenticator)).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_assertion_made_for_another_origin_or_relying_party_is_refused()
    {
        var user = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await RegisterAsync(user, authenticator);

        authenticator.Origin = "https://spotlight.example.evil";
        await (await LoginAsync(authenticator)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_passkey");
        authenticator.Origin = "http://localhost:5080";
        authenticator.RelyingPartyIdOverride = "evil.example";
        await (await LoginAsync(authenticator)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_passkey");

        // Registration checks the same: an attestation made on a phishing page is refused.
        using var phished = new SoftwareAuthenticator("https://spotlight.example.evil");
        var (ceremonyId, options) = await BeginAsync(user.Client, "/api/v1/auth/passkeys/register/begin");
        await (await user.Client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId, credential = phished.Create(options) }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_passkey");

        authenticator.RelyingPartyIdOverride = null;
        await (await LoginAsync(authenticator)).ShouldBeAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Another_accounts_passkey_is_not_found_to_list_rename_or_remove()
    {
        var owner = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var id = await RegisterAsync(owner, authenticator, "Owner's key");

        Assert.Empty((await (await other.Client.GetAsync("/api/v1/auth/passkeys")).ShouldBeAsync(HttpStatusCode.OK)).EnumerateArray());
        await (await other.Client.PatchAsJsonAsync($"/api/v1/auth/passkeys/{id}", new { name = "Mine now" })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await other.Client.DeleteAsync($"/api/v1/auth/passkeys/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await app.CreateClient().GetAsync("/api/v1/auth/passkeys")).ShouldBeAsync(HttpStatusCode.Unauthorized);

        var renamed = await (await owner.Client.PatchAsJsonAsync($"/api/v1/auth/passkeys/{id}", new { name = "  Phone  " })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("Phone", renamed.GetProperty("name").GetString());
        await (await owner.Client.PatchAsJsonAsync($"/api/v1/auth/passkeys/{id}", new { name = new string('x', 65) })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("Phone", Assert.Single((await (await owner.Client.GetAsync("/api/v1/auth/passkeys")).ShouldBeAsync(HttpStatusCode.OK)).EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_same_authenticator_cannot_be_registered_twice()
    {
        var user = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await RegisterAsync(user, authenticator);

        var (ceremonyId, options) = await BeginAsync(user.Client, "/api/v1/auth/passkeys/register/begin");
        Assert.Single(options.GetProperty("excludeCredentials").EnumerateArray());
        await (await user.Client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId, credential = authenticator.Create(options) }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "passkey_exists");
        var (otherCeremony, otherOptions) = await BeginAsync(other.Client, "/api/v1/auth/passkeys/register/begin");
        await (await other.Client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId = otherCeremony, credential = authenticator.Create(otherOptions) }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "passkey_exists");
    }

    [Fact]
    public async Task A_banned_account_cannot_sign_in_with_its_passkey()
    {
        var user = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await RegisterAsync(user, authenticator);
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.BannedAt, DateTime.UtcNow)));
        await (await LoginAsync(authenticator)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "account_banned");
    }

    [Fact]
    public async Task A_malformed_credential_or_missing_ceremony_is_a_validation_problem()
    {
        var (ceremonyId, _) = await BeginAsync(app.CreateClient(), "/api/v1/auth/passkeys/login/begin");
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/passkeys/login/finish", new { ceremonyId, credential = "nope" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/passkeys/login/finish", new { credential = new { } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/passkeys/login/finish", new { ceremonyId, credential = new { }, role = "admin" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
    }
}
