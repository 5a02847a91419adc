using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

// What the .NET load clients (bench/live/LiveBench, bench/matching/MatchBench) share: the REST calls an app makes, the
// percentiles they print and the load probe from /proc. Each project compiles this file in (<Compile Include=...>).

internal sealed record User(Guid Id, string Email, string Password, string Token);

/// <summary>The REST calls the bench makes, as an app would.</summary>
internal sealed class Api(HttpClient http)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..6];

    public async Task<string> LoginAsync(string email, string password) =>
        (await SendAsync(HttpMethod.Post, "/api/v1/auth/login", null, new { email, password })).GetProperty("accessToken").GetString()!;

    public async Task<User> RegisterAsync(string kind, int i = 0)
    {
        var handle = $"b{kind}{_run}_{i}";
        var password = "Bench-" + Guid.NewGuid().ToString("N");
        var body = await SendAsync(HttpMethod.Post, "/api/v1/auth/register", null, new { email = handle + "@bench.example", password, handle });
        return new User(body.GetProperty("user").GetProperty("id").GetGuid(), handle + "@bench.example", password, body.GetProperty("accessToken").GetString()!);
    }

    public async Task<List<User>> RegisterManyAsync(string kind, int count)
    {
        var users = new User[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) => users[i] = await RegisterAsync(kind, i));
        return [.. users];
    }

    public Task<JsonElement> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, token, null);

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, string? token, object? body, bool idempotent = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotent)
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        }

        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}", null, response.StatusCode);
        }

        return response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0
            ? default
            : await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

internal sealed record Percentiles(int Samples, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(double[] samples)
    {
        Array.Sort(samples);
        double At(double p) => samples.Length == 0 ? double.NaN : Math.Round(samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(p * samples.Length) - 1)], 2);
        return new Percentiles(samples.Length, At(0.50), At(0.95), At(0.99), samples.Length == 0 ? double.NaN : Math.Round(samples[^1], 2));
    }
}

/// <summary>The machine's load average and, given its pid, the server's CPU time, from /proc.</summary>
internal sealed class LoadProbe(int pid)
{
    public (string LoadAverage, double? CpuSeconds, DateTime At) Take()
    {
        var load = string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        double? cpu = null;
        if (pid > 0 && File.Exists($"/proc/{pid}/stat"))
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }

        return (load, cpu, DateTime.UtcNow);
    }
}
