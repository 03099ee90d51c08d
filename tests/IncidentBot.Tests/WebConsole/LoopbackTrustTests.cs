using System.Net;
using System.Net.Sockets;
using System.Text;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.WebConsole;

/// <summary>One bot without an access token, on loopback, shared by the tests of <see cref="LoopbackTrustTests"/>.</summary>
public sealed class LoopbackBot : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("incidentbot-loopback-").FullName;

    public BotProcess Bot { get; private set; } = null!;

    public async Task InitializeAsync() => Bot = await BotProcess.StartAsync(_data);

    public async Task DisposeAsync()
    {
        await Bot.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// Without a token, loopback is trusted only when the request names a loopback host and no other site's page sent
/// it: DNS rebinding (a name that resolves to 127.0.0.1) and cross-site forms get 4xx, on every kind of endpoint.
/// Requests are written byte for byte over TCP to a real bot process, so the Host header is exactly the one given.
/// </summary>
[Trait(StoreTrait.Name, StoreTrait.Any)]
public sealed class LoopbackTrustTests(LoopbackBot fixture) : IClassFixture<LoopbackBot>
{
    public static TheoryData<string> LoopbackHosts() =>
    [
        "localhost", "localhost:{port}", "LOCALHOST:{port}", "LocalHost", "127.0.0.1", "127.0.0.1:{port}", "127.0.0.2:{port}",
        "127.255.255.254", "[::1]", "[::1]:{port}", "[0:0:0:0:0:0:0:1]:{port}",
    ];

    public static TheoryData<string> OtherHosts() =>
    [
        "evil.example", "evil.example:{port}", "localhost.evil.example", "localhost.evil.example:{port}", "127.0.0.1.nip.io",
        "127.0.0.1.nip.io:{port}", "localtest.me", "localhost.", "localhost.:{port}", "sub.localhost", "", "127.1", "2130706433",
        "0x7f.0.0.1", "0.0.0.0", "[::]", "10.0.0.5:{port}", "192.168.1.1", "::1", "[::1", "incidentbot", "LOCALHOST.EVIL.EXAMPLE",
        "xn--localhost-9db.example", "localhost%00.evil.example",
    ];

    [Theory]
    [MemberData(nameof(LoopbackHosts))]
    public async Task LoopbackNamesAreServed(string host)
    {
        var list = await SendAsync("GET", "/api/incidents", host);
        var page = await SendAsync("GET", "/", host);
        var declare = await SendAsync("POST", "/api/incidents", host, "application/json", """{"title":"declared by host test","user":"alice"}""");

        Assert.Equal(200, list.Status);
        Assert.Equal(200, page.Status);
        Assert.Equal(201, declare.Status);
    }

    [Theory]
    [MemberData(nameof(OtherHosts))]
    public async Task OtherHostNamesAreRefusedEverywhere(string host)
    {
        var before = (await fixture.Bot.IncidentsAsync()).Count;

        var answers = new[]
        {
            await SendAsync("GET", "/api/incidents", host),
            await SendAsync("GET", "/", host),
            await SendAsync("GET", "/api/events", host),
            await SendAsync("POST", "/api/incidents", host, "application/json", """{"title":"rebinding","user":"mallory"}"""),
            await SendAsync("POST", "/api/admin/backup", host),
            await SendAsync("POST", "/webhooks/generic", host, "application/json", """{"title":"rebinding alert"}"""),
            await SendAsync("POST", "/login", host, "application/x-www-form-urlencoded", "token=x"),
        };

        foreach (var answer in answers)
        {
            Assert.InRange(answer.Status, 400, 499);
            Assert.DoesNotContain("SQLite format", answer.Body); // never the data file
            Assert.DoesNotContain("\"number\"", answer.Body);     // never an incident
        }
        // Kestrel itself answers 400 to a Host header that is not a host at all; every other one gets the bot's answer.
        if (answers[0].Status != 400)
        {
            Assert.Equal(421, answers[0].Status);
            Assert.Contains("addressed to localhost, 127.0.0.1 or [::1]", answers[0].Body);
            Assert.Contains("application/problem+json", answers[0].Head);
            Assert.Equal(401, answers[5].Status); // a webhook source's own answer
        }
        await Task.Delay(200);
        Assert.Equal(before, (await fixture.Bot.IncidentsAsync()).Count);
    }

    [Theory]
    [InlineData("Origin: http://evil.example")]
    [InlineData("Origin: https://localhost.evil.example")]
    [InlineData("Origin: http://127.0.0.1.nip.io:8080")]
    [InlineData("Origin: null")]
    [InlineData("Sec-Fetch-Site: cross-site")]
    public async Task APageOfAnotherSiteIsRefusedEvenOnLocalhost(string header)
    {
        var declare = await SendAsync("POST", "/api/incidents", "localhost:{port}", "application/json", """{"title":"cross-site","user":"mallory"}""", header);
        var webhook = await SendAsync("POST", "/webhooks/generic", "localhost:{port}", "text/plain", """{"title":"cross-site alert"}""", header);
        var backup = await SendAsync("POST", "/api/admin/backup", "localhost:{port}", "application/x-www-form-urlencoded", "", header);

        Assert.Equal(403, declare.Status);
        Assert.Equal(401, webhook.Status);
        Assert.Equal(403, backup.Status);
    }

    [Theory]
    [InlineData("Origin: http://localhost:{port}")]
    [InlineData("Origin: http://127.0.0.1:{port}")]
    [InlineData("Sec-Fetch-Site: same-origin")]
    public async Task TheConsoleItselfIsServed(string header)
    {
        var declare = await SendAsync("POST", "/api/incidents", "localhost:{port}", "application/json", """{"title":"from the console","user":"alice"}""", header);

        Assert.Equal(201, declare.Status);
    }

    /// <summary>One HTTP/1.1 request written as given, the connection closed after the answer.</summary>
    private async Task<(int Status, string Head, string Body)> SendAsync(string method, string path, string host, string? contentType = null, string body = "", string? header = null)
    {
        var port = fixture.Bot.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {host.Replace("{port}", port)}\r\nConnection: close\r\n");
        if (contentType is not null)
        {
            request.Append($"Content-Type: {contentType}\r\n");
        }
        if (header is not null)
        {
            request.Append(header.Replace("{port}", port)).Append("\r\n");
        }
        var bytes = Encoding.UTF8.GetBytes(body);
        request.Append($"Content-Length: {bytes.Length}\r\n\r\n").Append(body);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, fixture.Bot.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        // Server-sent events never end: read what arrives within a moment.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer, timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        var text = Encoding.UTF8.GetString(answer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no answer to {method} {path} with Host '{host}'");
        return (int.Parse(text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), text[..split], text[(split + 4)..]);
    }
}
