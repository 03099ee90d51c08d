namespace IncidentBot.Hosting;

/// <summary>
/// What one client (one remote IP address) may hold and send, so no single client can shut out the others.
/// Section <c>ClientLimits</c>:
/// <code>
/// "ClientLimits": {
///   "MaxConnections": 100, "MaxEventStreams": 5,
///   "EventStreamHeartbeat": "00:00:15", "EventStreamLifetime": "00:30:00",
///   "RequestsPerSecond": 50, "RequestBurst": 500,
///   "WebhooksPerSecond": 200, "WebhookBurst": 2000
/// }
/// </code>
/// </summary>
public sealed class ClientLimitsOptions
{
    public const string Section = "ClientLimits";

    /// <summary>Open TCP connections per client, idle or busy; 0 switches the cap off (behind a reverse proxy).</summary>
    public int MaxConnections { get; set; } = 100;

    /// <summary>Open <c>/api/events</c> streams per client; one more is answered <c>429</c>.</summary>
    public int MaxEventStreams { get; set; } = 5;

    /// <summary>How often an event stream with nothing to say sends a comment line, so dead clients and idle proxies show.</summary>
    public TimeSpan EventStreamHeartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one event stream lasts; then the bot ends it and the browser reconnects by itself.</summary>
    public TimeSpan EventStreamLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Requests per second per client to everything but webhooks and health checks (the API, the console, chat callbacks).</summary>
    public int RequestsPerSecond { get; set; } = 50;

    /// <summary>How many of those requests a client may send at once before the per-second rate applies.</summary>
    public int RequestBurst { get; set; } = 500;

    /// <summary>Webhook requests (<c>/webhooks/*</c>) per second per client: a budget of their own, apart from the API's.</summary>
    public int WebhooksPerSecond { get; set; } = 200;

    /// <summary>How many webhook requests a client may send at once before the per-second rate applies.</summary>
    public int WebhookBurst { get; set; } = 2000;
}
