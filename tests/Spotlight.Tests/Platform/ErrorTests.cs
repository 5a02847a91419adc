using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

public sealed class ThrowingHost : PlatformHost
{
    protected override void Map(WebApplication app) =>
        app.MapGet("/api/test/throw", string () => throw new InvalidOperationException("secret internal detail: connection=Host=db;Password=hunter2"));
}

/// <summary>Every error is problem details with a stable code and the request id; no stack trace or internal detail ever leaves.</summary>
public sealed class ErrorTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private HttpClient Client => app.CreateClient();

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await (await Client.GetAsync("/api/v1/no-such-thing")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_problem()
    {
        await (await Client.DeleteAsync("/api/v1/auth/login")).ShouldBeProblemAsync(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        var response = await Client.PostAsync("/api/v1/auth/login", new StringContent("email=a", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Theory]
    [InlineData("{\"email\": ")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"email\": 12}")]
    public async Task Malformed_json_is_a_400_problem(string body)
    {
        await (await Client.PostAsync("/api/v1/auth/login", JsonBody(body))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
    }

    [Fact]
    public async Task A_missing_body_is_a_400_problem()
    {
        await (await Client.PostAsync("/api/v1/auth/login", JsonBody(""))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "body_required");
    }

    [Fact]
    public async Task An_unknown_json_field_is_refused_with_its_name()
    {
        var response = await Client.PostAsync("/api/v1/auth/login", JsonBody("""{"email":"a@b.co","password":"x","role":"admin"}"""));
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown_field");
        Assert.True(problem.GetProperty("errors").TryGetProperty("role", out _));
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_a_413_problem()
    {
        var huge = "{\"email\":\"" + new string('a', 1024 * 1024 + 10) + "\"}";
        await (await Client.PostAsync("/api/v1/auth/login", JsonBody(huge))).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_a_413_problem_too()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"email\":\"" + new string('a', 1024 * 1024 + 10) + "\"}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        await (await Client.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Validation_errors_map_each_field_to_messages()
    {
        var response = await Client.PostAsync("/api/v1/auth/register", JsonBody("""{"email":"not-an-email","password":"short","handle":"A!"}"""));
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("password", out _));
        Assert.True(errors.TryGetProperty("handle", out _));
    }

    [Fact]
    public async Task A_route_parameter_of_the_wrong_shape_is_a_client_error_not_a_500()
    {
        var admin = await app.CreateAdminAsync();
        var response = await admin.Client.GetAsync("/api/v1/users/not-a-guid/followers");
        Assert.True((int)response.StatusCode is 400 or 404, $"got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class UnhandledErrorTests(ThrowingHost host) : IClassFixture<ThrowingHost>
{
    [Fact]
    public async Task An_unhandled_exception_is_a_generic_500_and_its_stack_trace_is_logged_server_side()
    {
        var response = await host.CreateClient().GetAsync("/api/test/throw");
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.InternalServerError, "internal_error");
        var body = problem.GetRawText();
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);

        var requestId = problem.GetProperty("requestId").GetString();
        var logged = host.Logs.Lines.Where(l => l.Level == LogLevel.Error && l.RequestId == requestId).ToList();
        Assert.Contains(logged, l => l.Text.Contains("InvalidOperationException", StringComparison.Ordinal) && l.Text.Contains("   at ", StringComparison.Ordinal));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }
}

/// <summary>When the database is briefly unavailable the answer is 503 with Retry-After, so clients back off and retry.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task A_locked_or_unreachable_database_answers_503_with_retry_after()
    {
        var app = new OutageApp();
        await app.InitializeAsync();
        try
        {
            HttpResponseMessage response;
            await using (await app.HoldDatabaseAsync())
            {
                response = await app.CreateClient().PostAsync("/api/v1/auth/register",
                    new StringContent($$"""{"email":"outage{{Guid.NewGuid():N}}@example.com","password":"a long enough passphrase","handle":"outage_{{Guid.NewGuid().ToString("N")[..8]}}"}""", Encoding.UTF8, "application/json"));
            }

            await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "service_unavailable");
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    private sealed class OutageApp : SpotlightApp
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Database:SqliteBusyTimeoutMs"] = "200" };

        /// <summary>SQLite: another writer holds the lock. PostgreSQL: the server is made to refuse our connections.</summary>
        public async Task<IAsyncDisposable> HoldDatabaseAsync()
        {
            if (!TestDatabase.IsPostgres)
            {
                var connection = new SqliteConnection(Database.ConnectionString);
                await connection.OpenAsync();
                await using (var command = connection.CreateCommand())
                {
                    command.CommandText = "BEGIN EXCLUSIVE;";
                    await command.ExecuteNonQueryAsync();
                }

                return connection;
            }

            return await PostgresOutage.StartAsync(Database);
        }
    }
}
