using IncidentBot.Access;
using IncidentBot.Backups;
using IncidentBot.Catalog;
using IncidentBot.Chat;
using IncidentBot.Drills;
using IncidentBot.Health;
using IncidentBot.Hosting;
using IncidentBot.Incidents;
using IncidentBot.OnCall;
using IncidentBot.Rca;
using IncidentBot.Runbooks;
using IncidentBot.Slack;
using IncidentBot.Slack.Inbound;
using IncidentBot.Teams;
using IncidentBot.Teams.Inbound;
using IncidentBot.Telemetry;
using IncidentBot.Webhooks;
using IncidentBot.WebConsole;

// `runbooks lint [path]` and other tools run instead of the server.
if (CommandLine.TryRun(args, out var exitCode))
{
    return exitCode;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = BotHome.Locate(args) });

// Secrets can come from files (Kubernetes secret volumes), one per key, besides environment variables.
builder.AddSecretFiles();

// http://localhost:5080 unless --urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS or Kestrel:Endpoints says otherwise.
builder.UseDefaultAddress(DefaultAddressExtensions.Address);

// Slow and hostile clients: header and body timeouts, body and connection limits (Kestrel:Limits).
builder.UseServerLimits();

// A TLS-terminating proxy in front (ReverseProxy:TrustedAddresses) may tell the client's address and scheme.
builder.AddReverseProxy();

// One client cannot shut out the others: connections, event streams and requests per client (ClientLimits).
builder.AddClientLimits();

// Storage (Storage:Provider: the LiteDB data file, or PostgreSQL), incidents, the alert inbox and processor, the outbox.
builder.AddIncidentCore();

// Alert sources: normalisers, credentials, body limits.
builder.AddWebhooks();

// Errors are RFC 7807 problem details; JSON is camelCase with string enums.
builder.AddApiConventions();

builder.AddHealth();

// The service catalog (Catalog:Path): Backstage descriptors and rotas, hot-reloaded; the rota on-call source.
builder.AddCatalog();

// OpenTelemetry metrics and traces; Prometheus scrapes /metrics.
builder.AddTelemetry();

// Drills and reminders, scheduled with Quartz; reviews written when incidents resolve.
builder.AddDrills();
builder.AddRca();

// Roles (Access:Leads, Responders, Viewers): what each person and API token may do, on every platform.
builder.AddAccessRoles();

// The built-in web console: a chat platform of its own and the leads' dashboard.
builder.AddWebConsole();

// Slack, when Slack:BotToken is set (HTTP events or Socket Mode); Teams, when Teams:AppId is set.
builder.AddSlackAdapter();
builder.AddTeamsAdapter();

// Who is on call: PagerDuty, Opsgenie, Grafana OnCall and GoAlert (each when OnCall:<Source>:ApiKey is set), cached, with fallbacks.
builder.AddOnCall();

var app = builder.Build();

// Every configuration problem at once, each with its key, before anything opens or listens.
if (!ConfigurationCheck.Passes(app))
{
    return ConfigurationCheck.ExitCode;
}

// PostgreSQL: the server lets this bot in, and its schema is brought up to date (one replica at a time).
if (await StorageStartup.RefusalAsync(app) is { } refused)
{
    return refused;
}

// Behind a reverse proxy: the client's address and https from X-Forwarded-For/-Proto, if the proxy is trusted.
app.UseTrustedProxies();
app.UseApiErrors();

// Requests per client, counted after the trusted proxy has told who the client is.
app.UseClientLimits();

// Who may call (loopback names without a token, the token or a console session with one), browser headers, the console.
app.UseWebConsole();

// State-changing API calls take only their own content types, never what a cross-site form can send.
app.UseApiContentTypes();

app.MapHealthEndpoints();
app.MapMetricsEndpoint();
app.MapBackupEndpoints();
app.MapWebhookEndpoints().AddEndpointFilter<WebhookMetricsFilter>().AddEndpointFilter<StoppingFilter>();
app.MapIncidentEndpoints();
app.MapCommandEndpoints();
app.MapRunbookEndpoints();
app.MapServiceEndpoints();
app.MapDrillEndpoints();
app.MapRcaEndpoints();
app.MapTokenEndpoints();
app.MapSlackEndpoints();
app.MapTeamsEndpoints();

// Listens, then checks the addresses really bound, whatever set them: beyond loopback needs WebConsole:AccessToken.
await app.StartAsync();
if (!ConfigurationCheck.ListensSafely(app))
{
    await app.StopAsync();
    await app.DisposeAsync();
    return ConfigurationCheck.ExitCode;
}
await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;
