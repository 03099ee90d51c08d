using System.Net;
using System.Text;
using IncidentBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace IncidentBot.Tests.WebConsole;

/// <summary>
/// Signing in to the console: wrong tokens are limited per client address, and the cookie holds a session
/// protected by Data Protection, never the token itself.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class ConsoleSessionTests
{
    private const string Token = "a-long-random-console-token-3f9c1e";

    [Fact]
    public async Task WrongTokensFromOneAddressAreLimitedThenRefusedWith429()
    {
        await using var app = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = Token });

        var wrong = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            wrong.Add(await SignInAsync(app, $"guess-{i}", "10.1.2.3"));
        }
        var sixth = await SignInAsync(app, "guess-6", "10.1.2.3");
        var rightButTooLate = await SignInAsync(app, Token, "10.1.2.3");
        var otherAddress = await SignInAsync(app, Token, "10.9.9.9");

        Assert.All(wrong, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Contains("does not match", await wrong[0].Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        var retryAfter = int.Parse(sixth.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 300);
        Assert.Contains("Too many wrong tokens", await sixth.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, rightButTooLate.StatusCode); // not even looked at
        Assert.False(rightButTooLate.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Redirect, otherAddress.StatusCode);
    }

    [Fact]
    public async Task SigningInRightDoesNotUseTheAllowanceAndItComesBackAfterTheWindow()
    {
        await using var app = new IncidentBotApplication(new()
        {
            ["WebConsole:AccessToken"] = Token,
            ["WebConsole:SignInAttempts"] = "2",
            ["WebConsole:SignInWindow"] = "00:00:02",
        });

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(app, Token, "10.1.2.3")).StatusCode);
        }
        await SignInAsync(app, "guess", "10.1.2.3");
        await SignInAsync(app, "guess", "10.1.2.3");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(app, Token, "10.1.2.3")).StatusCode);

        await Eventually.TrueAsync(async () => (await SignInAsync(app, Token, "10.1.2.3")).StatusCode == HttpStatusCode.Redirect, "the window to end", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task TheCookieHoldsASessionNeverTheToken()
    {
        await using var app = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = Token });

        var signedIn = await SignInAsync(app, Token);
        var setCookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("incidentbot_console=", StringComparison.Ordinal));
        var value = setCookie.Split(';')[0]["incidentbot_console=".Length..];

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        foreach (var form in new[] { Token, Uri.EscapeDataString(Token), Convert.ToBase64String(Encoding.UTF8.GetBytes(Token)), Convert.ToHexString(Encoding.UTF8.GetBytes(Token)), "token-3f9c1e" })
        {
            Assert.DoesNotContain(form, value, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie.Replace("incidentbot_console", ""), StringComparison.OrdinalIgnoreCase); // plain http
        Assert.Equal(HttpStatusCode.OK, (await WithCookieAsync(app, "/api/incidents", value)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await WithCookieAsync(app, "/", value)).StatusCode);
    }

    [Fact]
    public async Task ATamperedOrForgedCookieIsRefused()
    {
        await using var app = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = Token });
        var value = (await SignInAsync(app, Token)).Headers.GetValues("Set-Cookie").Single().Split(';')[0]["incidentbot_console=".Length..];

        var forgeries = new List<string> { Token, "", "x", value[..(value.Length / 2)], value + "A", value[1..] };
        foreach (var position in new[] { 0, 5, value.Length / 3, value.Length / 2, value.Length - 10, value.Length - 1 })
        {
            var flipped = value.ToCharArray();
            flipped[position] = flipped[position] == 'A' ? 'B' : 'A';
            forgeries.Add(new string(flipped));
        }

        foreach (var forged in forgeries)
        {
            var api = await WithCookieAsync(app, "/api/incidents", forged);
            var page = await WithCookieAsync(app, "/", forged);
            Assert.True(api.StatusCode == HttpStatusCode.Unauthorized, $"cookie '{forged}' opened the API: {api.StatusCode}");
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await WithCookieAsync(app, "/api/incidents", value)).StatusCode);
    }

    [Fact]
    public async Task TheBearerTokenStillOpensTheApiAndAWrongOneDoesNot()
    {
        await using var app = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = Token });
        var client = app.CreateClient();

        using var right = new HttpRequestMessage(HttpMethod.Get, "/api/incidents") { Headers = { { "Authorization", $"Bearer {Token}" } } };
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/incidents") { Headers = { { "Authorization", $"Bearer {Token}x" } } };

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(right)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task SessionsSurviveARestartAndEndWhenTheTokenChanges()
    {
        var data = Directory.CreateTempSubdirectory("incidentbot-session-").FullName;
        try
        {
            string value;
            await using (var first = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = Token }, dataFolder: data))
            {
                value = (await SignInAsync(first, Token)).Headers.GetValues("Set-Cookie").Single().Split(';')[0]["incidentbot_console=".Length..];
            }
            await using (var restarted = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = Token }, dataFolder: data))
            {
                Assert.Equal(HttpStatusCode.OK, (await WithCookieAsync(restarted, "/api/incidents", value)).StatusCode);
            }
            await using var newToken = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = Token + "-rotated" }, dataFolder: data);
            Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookieAsync(newToken, "/api/incidents", value)).StatusCode);
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [Theory]
    [InlineData("127.0.0.1", null, "https", true)]       // the trusted proxy says the browser used https
    [InlineData("127.0.0.0/8", null, "https", true)]
    [InlineData("127.0.0.1", null, "http", false)]
    [InlineData(null, null, "https", false)]             // no proxy configured: the header is ignored
    [InlineData("192.168.1.10", null, "https", false)]   // a proxy is configured, but this request is not from it
    [InlineData("10.0.0.0/8", "10.1.2.3", "https", true)]
    public async Task TheCookieIsSecureWhenATrustedProxySaysTheBrowserUsedHttps(string? trusted, string? from, string proto, bool secure)
    {
        var settings = new Dictionary<string, string?> { ["WebConsole:AccessToken"] = Token };
        if (trusted is not null)
        {
            settings["ReverseProxy:TrustedAddresses:0"] = trusted;
        }
        await using var app = new IncidentBotApplication(settings);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent([new("token", Token)]) };
        request.Headers.Add("X-Forwarded-Proto", proto);
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        if (from is not null)
        {
            request.Headers.Add(IncidentBotApplication.RemoteIpHeader, from);
        }
        var response = await app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(secure, response.Headers.GetValues("Set-Cookie").Single().Split(';').Any(p => p.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task AddressesOfOneIPv6NetworkShareOneAllowance()
    {
        await using var app = new IncidentBotApplication(new() { ["WebConsole:AccessToken"] = Token, ["WebConsole:SignInAttempts"] = "3" });

        // A new address of the same /64 for every guess, as a client holding a whole network could send them.
        var wrong = new List<HttpResponseMessage>();
        for (var i = 1; i <= 3; i++)
        {
            wrong.Add(await SignInAsync(app, $"guess-{i}", $"2001:db8:1:2::{i:x}"));
        }
        var fromTheSameNetwork = await SignInAsync(app, Token, "2001:db8:1:2:ffff:ffff:ffff:ffff");
        var fromAnotherNetwork = await SignInAsync(app, Token, "2001:db8:1:3::1");

        Assert.All(wrong, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, fromTheSameNetwork.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, fromAnotherNetwork.StatusCode);
    }

    [Fact]
    public async Task BehindATrustedProxyTheLimitCountsPerBrowserAddress()
    {
        await using var app = new IncidentBotApplication(new()
        {
            ["WebConsole:AccessToken"] = Token,
            ["WebConsole:SignInAttempts"] = "1",
            ["ReverseProxy:TrustedAddresses:0"] = "127.0.0.1",
        });

        var first = await SignInAsync(app, "guess", forwardedFor: "203.0.113.7");
        var again = await SignInAsync(app, Token, forwardedFor: "203.0.113.7");
        var anotherBrowser = await SignInAsync(app, Token, forwardedFor: "198.51.100.9");

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, anotherBrowser.StatusCode);
    }

    private static async Task<HttpResponseMessage> SignInAsync(IncidentBotApplication app, string token, string? remoteIp = null, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent([new("token", token)]) };
        if (remoteIp is not null)
        {
            request.Headers.Add(IncidentBotApplication.RemoteIpHeader, remoteIp);
        }
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        return await app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }).SendAsync(request);
    }

    private static async Task<HttpResponseMessage> WithCookieAsync(IncidentBotApplication app, string path, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Cookie", $"incidentbot_console={value}");
        return await app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false }).SendAsync(request);
    }
}
