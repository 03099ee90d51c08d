using System.Net;
using System.Net.Http.Json;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using IncidentBot.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// The whole bot in memory over a fresh store: a LiteDB file in a temp folder, or with INCIDENTBOT_TEST_STORE=postgres
/// a PostgreSQL database of its own (<see cref="TestStore"/>), brought to the schema by the bot's own start-up step. Requests come from loopback unless a test
/// sets <see cref="RemoteIpHeader"/>, so "only callers on this machine" can be tested both ways.
/// </summary>
public sealed class IncidentBotApplication : WebApplicationFactory<Program>
{
    /// <summary>Requests carrying this header appear to come from the address it holds.</summary>
    public const string RemoteIpHeader = "X-Test-Remote-Ip";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly bool _ownsDataFolder;

    /// <summary>The example catalog shipped in <c>catalog/</c>, for tests of what it gives an incident.</summary>
    public static string ExampleCatalog => Path.Combine(RepositoryPaths.Root, "catalog");

    public IncidentBotApplication(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string? dataFolder = null)
    {
        _ownsDataFolder = dataFolder is null;
        DataFolder = dataFolder ?? Directory.CreateTempSubdirectory("incidentbot-test-").FullName;
        _settings = TestStore.SettingsFor(DataFolder).ToDictionary(s => s.Key, s => (string?)s.Value);
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["Runbooks:Path"] = Path.Combine(RepositoryPaths.Root, "runbooks"),
            // An empty catalog: the shipped example's rota and teams would give every alert about orders-db an on-call
            // commander, a team call and invitations in the background. Tests of that pass ExampleCatalog.
            ["Catalog:Path"] = Directory.CreateDirectory(Path.Combine(DataFolder, "catalog")).FullName,
            ["Outbox:FirstRetryDelay"] = "00:00:00.050",
            ["Outbox:MaxRetryDelay"] = "00:00:00.200",
            ["Outbox:PollInterval"] = "00:00:00.050",
        })
        {
            _settings[key] = value;
        }
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }
        _services = services;
    }

    public string DataFolder { get; }

    public IIncidentStore Incidents => Services.GetRequiredService<IIncidentStore>();

    public IAlertInboxStore Inbox => Services.GetRequiredService<IAlertInboxStore>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<IStartupFilter, RemoteAddressFilter>();
            _services?.Invoke(services);
        });
    }

    /// <summary>
    /// Builds the bot, then runs the start-up step Program runs before listening (on PostgreSQL: the connection
    /// check and the schema migrations), which an in-memory host would otherwise skip, then starts it.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = builder.Build();
        var refused = StorageStartup.RefusalAsync(host.Services, host.Services.GetRequiredService<IConfiguration>(), CancellationToken.None).GetAwaiter().GetResult();
        if (refused is { } exitCode)
        {
            host.Dispose();
            throw new InvalidOperationException($"The bot refused to start on its store (exit code {exitCode}); the reason is in the test output.");
        }
        host.Start();
        return host;
    }

    /// <summary>Posts JSON text as it is, so fixtures reach the bot byte for byte.</summary>
    public async Task<HttpResponseMessage> PostRawAsync(string path, string body, string? bearer = null, string? remoteIp = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }
        if (remoteIp is not null)
        {
            request.Headers.Add(RemoteIpHeader, remoteIp);
        }
        return await CreateClient().SendAsync(request);
    }

    /// <summary>Runs a chat command through the HTTP API, as the web console does.</summary>
    public Task<CommandResult> CommandAsync(int? incident, string user, string text) => CreateClient().CommandAsync(incident, user, text);

    public async Task<IncidentView> GetIncidentAsync(int number)
    {
        var response = await CreateClient().GetAsync($"/api/incidents/{number}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IncidentView>(Json.Options))!;
    }

    public async Task<List<IncidentView>> ListIncidentsAsync(string status = "all") =>
        (await CreateClient().GetFromJsonAsync<List<IncidentView>>($"/api/incidents?status={status}", Json.Options))!;

    /// <summary>
    /// Waits until the console has opened incident <paramref name="number"/>'s room: it does so in the background and
    /// records it on the timeline, so a test that compares timelines before and after a command waits for it first.
    /// </summary>
    public Task WaitForConsoleRoomAsync(int number) =>
        Eventually.TrueAsync(async () => (await Incidents.TimelineOfAsync(number)).Any(t => t.Kind == TimelineKinds.ChannelOpened), "the console room");

    /// <summary>Waits for on-call's note on incident <paramref name="number"/>'s timeline (written in the background) and returns it.</summary>
    public async Task<string> OnCallNoteAsync(int number)
    {
        string? note = null;
        await Eventually.TrueAsync(async () =>
        {
            note = (await Incidents.TimelineOfAsync(number)).FirstOrDefault(e => e.Actor == IncidentService.OnCallActor && e.Kind == TimelineKinds.Note)?.Text;
            return note is not null;
        }, $"the on-call note on INC-{number}");
        return note!;
    }

    /// <summary>Waits until the processor has drained the inbox.</summary>
    public Task WaitForProcessingAsync() => Eventually.TrueAsync(async () => await Inbox.PendingCountAsync() == 0, "the inbox to drain");

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        // A folder handed in belongs to the test, which may restart the bot on it.
        if (disposing && _ownsDataFolder)
        {
            TestStore.Forget(DataFolder);
            try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { }
        }
    }

    private sealed class RemoteAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, Func<Task> nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = context.Request.Headers.TryGetValue(RemoteIpHeader, out var ip)
                    ? IPAddress.Parse(ip.ToString())
                    : IPAddress.Loopback;
                return nextMiddleware();
            });
            next(app);
        };
    }
}
