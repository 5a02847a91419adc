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

    /// <summary>A client signed in with the passkey: once an account has one, only such a session changes its passkeys.</summary>
    private async Task<HttpClient> SignedInWithAsync(SoftwareAuthenticator authenticator) =>
        app.Authorized((await (await LoginAsync(authenticator)).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("accessToken").GetString()!);

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
        var passkey = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("nextCursor").ValueKind);
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
        await (await (await SignedInWithAsync(authenticator)).PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId = second, credential = fresh }))
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
        var signedIn = await SignedInWithAsync(authenticator);

        await (await signedIn.DeleteAsync($"/api/v1/auth/passkeys/{id}")).ShouldBeAsync(HttpStatusCode.NoContent);
        await (await LoginAsync(authenticator)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_passkey");
        await (await signedIn.DeleteAsync($"/api/v1/auth/passkeys/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
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
        authenticator.RelyingPartyIdOverride = null;
        var signedIn = await SignedInWithAsync(authenticator);
        using var phished = new SoftwareAuthenticator("https://spotlight.example.evil");
        var (ceremonyId, options) = await BeginAsync(signedIn, "/api/v1/auth/passkeys/register/begin");
        await (await signedIn.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId, credential = phished.Create(options) }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_passkey");
    }

    [Fact]
    public async Task Another_accounts_passkey_is_not_found_to_list_rename_or_remove()
    {
        var owner = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var id = await RegisterAsync(owner, authenticator, "Owner's key");

        Assert.Empty((await (await other.Client.GetAsync("/api/v1/auth/passkeys")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        await (await other.Client.PatchAsJsonAsync($"/api/v1/auth/passkeys/{id}", new { name = "Mine now" })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await other.Client.DeleteAsync($"/api/v1/auth/passkeys/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await app.CreateClient().GetAsync("/api/v1/auth/passkeys")).ShouldBeAsync(HttpStatusCode.Unauthorized);

        var renamed = await (await owner.Client.PatchAsJsonAsync($"/api/v1/auth/passkeys/{id}", new { name = "  Phone  " })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("Phone", renamed.GetProperty("name").GetString());
        await (await owner.Client.PatchAsJsonAsync($"/api/v1/auth/passkeys/{id}", new { name = new string('x', 65) })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("Phone", Assert.Single((await (await owner.Client.GetAsync("/api/v1/auth/passkeys")).ShouldBeAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_same_authenticator_cannot_be_registered_twice()
    {
        var user = await app.CreateUserAsync();
        var other = await app.CreateUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await RegisterAsync(user, authenticator);

        var signedIn = await SignedInWithAsync(authenticator);
        var (ceremonyId, options) = await BeginAsync(signedIn, "/api/v1/auth/passkeys/register/begin");
        Assert.Single(options.GetProperty("excludeCredentials").EnumerateArray());
        await (await signedIn.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId, credential = authenticator.Create(options) }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "passkey_exists");
        var (otherCeremony, otherOptions) = await BeginAsync(other.Client, "/api/v1/auth/passkeys/register/begin");
        await (await other.Client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId = otherCeremony, credential = authenticator.Create(otherOptions) }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "passkey_exists");
    }

    [Fact]
    public async Task An_account_holds_at_most_twenty_passkeys_whose_ids_fit_the_stored_options()
    {
        var user = await app.CreateUserAsync();
        using var oversized = new SoftwareAuthenticator(credentialIdLength: 256);
        var (ceremonyId, options) = await BeginAsync(user.Client, "/api/v1/auth/passkeys/register/begin");
        await (await user.Client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId, credential = oversized.Create(options) }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        var keys = Enumerable.Range(0, 20).Select(_ => new SoftwareAuthenticator(credentialIdLength: 255)).ToList();
        await RegisterAsync(user, keys[0]);
        var signedIn = await SignedInWithAsync(keys[0]);
        foreach (var key in keys.Skip(1))
        {
            var (id, opts) = await BeginAsync(signedIn, "/api/v1/auth/passkeys/register/begin");
            await (await signedIn.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish", new { ceremonyId = id, credential = key.Create(opts) })).ShouldBeAsync(HttpStatusCode.Created);
        }

        await (await signedIn.PostAsync("/api/v1/auth/passkeys/register/begin", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "passkey_limit_reached");
        await (await LoginAsync(keys[^1])).ShouldBeAsync(HttpStatusCode.OK);
        keys.ForEach(k => k.Dispose());
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

/// <summary><c>Admin:RequireTwoFactor</c> on: a passkey sign-in is the second factor the admin API asks for.</summary>
public sealed class PasskeySecondFactorTests(StaffSecondFactorTests.RequireTwoFactorApp app) : IClassFixture<StaffSecondFactorTests.RequireTwoFactorApp>
{
    private static string[] Amr(string accessToken) =>
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(accessToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value).ToArray();

    private static async Task<Guid> RegisterAsync(HttpClient client, SoftwareAuthenticator authenticator)
    {
        var begun = await (await client.PostAsync("/api/v1/auth/passkeys/register/begin", null)).ShouldBeAsync(HttpStatusCode.OK);
        var created = await (await client.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish",
            new { ceremonyId = begun.GetProperty("ceremonyId").GetGuid(), credential = authenticator.Create(begun.GetProperty("options")) })).ShouldBeAsync(HttpStatusCode.Created);
        return created.GetProperty("id").GetGuid();
    }

    private async Task<JsonElement> PasskeyLoginAsync(SoftwareAuthenticator authenticator)
    {
        var begun = await (await app.CreateClient().PostAsync("/api/v1/auth/passkeys/login/begin", null)).ShouldBeAsync(HttpStatusCode.OK);
        return await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/passkeys/login/finish",
            new { ceremonyId = begun.GetProperty("ceremonyId").GetGuid(), credential = authenticator.Get(begun.GetProperty("options")) })).ShouldBeAsync(HttpStatusCode.OK);
    }

    private async Task<HttpClient> PasswordLoginAsync(TestUser user)
    {
        var tokens = await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password })).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(["pwd"], Amr(tokens.GetProperty("accessToken").GetString()!));
        return app.Authorized(tokens.GetProperty("accessToken").GetString()!);
    }

    [Fact]
    public async Task A_passkey_sign_in_opens_the_admin_api_and_a_refreshed_token_keeps_the_second_factor()
    {
        var admin = await app.CreateAdminAsync();
        await (await admin.Client.GetAsync("/api/v1/admin/stats")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "two_factor_required");
        using var authenticator = new SoftwareAuthenticator();
        await RegisterAsync(admin.Client, authenticator); // the account's first factor: a password session may enrol it

        var tokens = await PasskeyLoginAsync(authenticator);
        Assert.Equal(["hwk", "mfa"], Amr(tokens.GetProperty("accessToken").GetString()!));
        await (await app.Authorized(tokens.GetProperty("accessToken").GetString()!).GetAsync("/api/v1/admin/stats")).ShouldBeAsync(HttpStatusCode.OK);

        var refreshed = await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() }))
            .ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(["hwk", "mfa"], Amr(refreshed.GetProperty("accessToken").GetString()!));
    }

    [Fact]
    public async Task A_password_alone_cannot_add_or_remove_the_factors_of_an_account_that_has_a_passkey()
    {
        var admin = await app.CreateAdminAsync();
        using var authenticator = new SoftwareAuthenticator();
        var id = await RegisterAsync(admin.Client, authenticator);

        // A thief with the password: no second passkey of theirs, no removing the owner's, no TOTP of theirs.
        var thief = await PasswordLoginAsync(admin);
        await (await thief.PostAsync("/api/v1/auth/passkeys/register/begin", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "two_factor_required");
        await (await thief.DeleteAsync($"/api/v1/auth/passkeys/{id}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "two_factor_required");
        await (await thief.PostAsync("/api/v1/auth/2fa/setup", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "two_factor_required");
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<PasskeyCredential>().CountAsync(p => p.UserId == admin.Id)));

        // The owner, signed in with the passkey, may.
        var owner = app.Authorized((await PasskeyLoginAsync(authenticator)).GetProperty("accessToken").GetString()!);
        using var second = new SoftwareAuthenticator();
        await RegisterAsync(owner, second);
        await (await owner.DeleteAsync($"/api/v1/auth/passkeys/{id}")).ShouldBeAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_registration_begun_before_the_first_passkey_cannot_be_finished_by_a_password_session_after_it()
    {
        var admin = await app.CreateAdminAsync();
        var thief = await PasswordLoginAsync(admin);
        var begun = await (await thief.PostAsync("/api/v1/auth/passkeys/register/begin", null)).ShouldBeAsync(HttpStatusCode.OK);

        using var authenticator = new SoftwareAuthenticator();
        await RegisterAsync(admin.Client, authenticator);
        using var thiefKey = new SoftwareAuthenticator();
        await (await thief.PostAsJsonAsync("/api/v1/auth/passkeys/register/finish",
            new { ceremonyId = begun.GetProperty("ceremonyId").GetGuid(), credential = thiefKey.Create(begun.GetProperty("options")) }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "two_factor_required");
    }
}
