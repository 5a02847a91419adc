using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Spotlight.Tests.Infrastructure;

/// <summary>
/// A browser-like client of the admin console: keeps cookies, does not follow redirects (tests look at them), and
/// posts forms the way a browser does, with the antiforgery token the page rendered.
/// </summary>
public sealed class ConsoleClient
{
    private static readonly HtmlParser Parser = new();

    private ConsoleClient(HttpClient http) => Http = http;

    public HttpClient Http { get; }

    /// <summary>The last page opened: where a form without an action posts to.</summary>
    public string LastPath { get; private set; } = "/admin";

    public static ConsoleClient Anonymous(SpotlightApp app) =>
        new(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));

    /// <summary>Signs in through the login form (and the code form when the account has two-factor), and checks it worked.</summary>
    public static async Task<ConsoleClient> SignInAsync(SpotlightApp app, TestUser user, string? totpSecret = null)
    {
        var client = Anonymous(app);
        var response = await client.SignInAsync(user.Email, user.Password, totpSecret is null ? null : () => Totp.Code(totpSecret, app.Clock.GetUtcNow()));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Sign-in of {user.Email} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>Submits the login form; when a code is asked for and <paramref name="code"/> is given, the code form too.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string email, string password, Func<string>? code = null)
    {
        var response = await SubmitAsync("/admin/login", "form", new() { ["Email"] = email, ["Password"] = password });
        if (response.StatusCode == HttpStatusCode.OK && code is not null)
        {
            var page = await ParseAsync(response);
            if (page.QuerySelector("input[name=Code]") is not null)
            {
                response = await SubmitFormAsync(page, "form", new() { ["Code"] = code() }, "/admin/login");
            }
        }

        return response;
    }

    public async Task<IHtmlDocument> GetPageAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        LastPath = path;
        var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"GET {path}: expected {(int)expected}, got {(int)response.StatusCode} {response.Headers.Location} {body[..Math.Min(body.Length, 2000)]}");
        return Parser.ParseDocument(body);
    }

    /// <summary>Opens <paramref name="path"/>, fills the form found by <paramref name="formSelector"/> and submits it as a browser would.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string path, string formSelector, Dictionary<string, string> fields) =>
        await SubmitFormAsync(await GetPageAsync(path), formSelector, fields);

    public async Task<HttpResponseMessage> SubmitFormAsync(IHtmlDocument page, string formSelector, Dictionary<string, string> fields, string? pagePath = null)
    {
        var form = page.QuerySelector(formSelector) as IHtmlFormElement ?? throw new InvalidOperationException($"No form '{formSelector}' on {page.Url}.");
        var values = new List<KeyValuePair<string, string>>();
        foreach (var input in form.QuerySelectorAll("input[type=hidden]").OfType<IHtmlInputElement>())
        {
            if (!fields.ContainsKey(input.Name!))
            {
                values.Add(new(input.Name!, input.Value));
            }
        }

        values.AddRange(fields);
        var action = form.GetAttribute("action") is { Length: > 0 } a ? a : pagePath ?? LastPath;
        return await Http.PostAsync(action, new FormUrlEncodedContent(values));
    }

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) => Parser.ParseDocument(await response.Content.ReadAsStringAsync());

    public static IHtmlDocument Parse(string html) => Parser.ParseDocument(html);
}
