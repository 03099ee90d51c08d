using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace IncidentBot.Hosting;

/// <summary>
/// Per-client limits (<c>ClientLimits:*</c>), so one client cannot shut out the others: open connections per client
/// (a Kestrel connection middleware, <see cref="ClientConnections"/>), open event streams per client (a concurrency
/// limiter) and requests per second per client, webhooks on a budget of their own (token buckets). The last two are
/// ASP.NET Core's rate limiting middleware, partitioned by <see cref="ClientAddress"/>; a refusal is <c>429</c> with
/// <c>Retry-After</c> and problem details.
/// </summary>
internal static class ClientLimitsExtensions
{
    /// <summary>The policy that caps open <c>/api/events</c> streams per client.</summary>
    public const string EventStreams = "event-streams";

    /// <summary>What a client refused an event stream is told to wait: streams end when browsers close or at their lifetime.</summary>
    private static readonly TimeSpan EventStreamRetry = TimeSpan.FromSeconds(10);

    public static WebApplicationBuilder AddClientLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClientLimitsOptions>().BindConfiguration(ClientLimitsOptions.Section)
            .Validate(o => o.MaxConnections >= 0, "ClientLimits:MaxConnections must be 0 (no cap) or a number of connections, e.g. 100.")
            .Validate(o => o.MaxEventStreams >= 1, "ClientLimits:MaxEventStreams must be at least 1, e.g. 5.")
            .Validate(o => o.EventStreamHeartbeat >= TimeSpan.FromSeconds(1), "ClientLimits:EventStreamHeartbeat must be at least 00:00:01, e.g. 00:00:15.")
            .Validate(o => o.EventStreamLifetime > o.EventStreamHeartbeat, "ClientLimits:EventStreamLifetime must be longer than ClientLimits:EventStreamHeartbeat, e.g. 00:30:00.")
            .Validate(o => o.RequestsPerSecond >= 1, "ClientLimits:RequestsPerSecond must be at least 1, e.g. 50.")
            .Validate(o => o.RequestBurst >= 1, "ClientLimits:RequestBurst must be at least 1, e.g. 500.")
            .Validate(o => o.WebhooksPerSecond >= 1, "ClientLimits:WebhooksPerSecond must be at least 1, e.g. 200.")
            .Validate(o => o.WebhookBurst >= 1, "ClientLimits:WebhookBurst must be at least 1, e.g. 2000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ClientLimitLog>();
        builder.Services.AddSingleton<ClientConnections>();

        // Every endpoint, including those --urls and ASPNETCORE_URLS add, counts connections per client.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
            listen.Use(next => listen.ApplicationServices.GetRequiredService<ClientConnections>().Middleware(next))));

        builder.Services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, ClientBudget>(RequestBudget);
            options.AddPolicy<ClientBudget>(EventStreams, EventStreamBudget);
            options.OnRejected = RefuseAsync;
        });
        return builder;
    }

    /// <summary>Early in the pipeline, so a refused request costs no more than its refusal.</summary>
    public static IApplicationBuilder UseClientLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>One token bucket per client and kind of request: webhooks, and everything else.</summary>
    private static RateLimitPartition<ClientBudget> RequestBudget(HttpContext context)
    {
        if (ClientAddress.Of(context.Connection.RemoteIpAddress) is not { } client)
        {
            return RateLimitPartition.GetNoLimiter(new ClientBudget("none", IPAddress.None));
        }
        var limits = Limits(context);
        var webhook = context.Request.Path.StartsWithSegments("/webhooks", StringComparison.OrdinalIgnoreCase);
        var (perSecond, burst) = webhook ? (limits.WebhooksPerSecond, limits.WebhookBurst) : (limits.RequestsPerSecond, limits.RequestBurst);
        return RateLimitPartition.GetTokenBucketLimiter(new ClientBudget(webhook ? "webhooks" : "requests", client), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static RateLimitPartition<ClientBudget> EventStreamBudget(HttpContext context)
    {
        if (ClientAddress.Of(context.Connection.RemoteIpAddress) is not { } client)
        {
            return RateLimitPartition.GetNoLimiter(new ClientBudget("none", IPAddress.None));
        }
        var max = Limits(context).MaxEventStreams;
        return RateLimitPartition.GetConcurrencyLimiter(new ClientBudget("event streams", client), _ => new ConcurrencyLimiterOptions { PermitLimit = max, QueueLimit = 0 });
    }

    private static async ValueTask RefuseAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var limits = Limits(context);
        var client = ClientAddress.Of(context.Connection.RemoteIpAddress) ?? IPAddress.None;
        // Token buckets know when the next request fits; the stream cap frees up when one of the client's streams ends.
        var rate = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait);
        var retryAfter = rate ? wait : EventStreamRetry;
        var (limit, detail) = !rate
            ? ("event streams", $"This client already has {limits.MaxEventStreams} event streams open (ClientLimits:MaxEventStreams). Close one, or retry later.")
            : context.Request.Path.StartsWithSegments("/webhooks", StringComparison.OrdinalIgnoreCase)
                ? ("webhooks", $"This client sent more webhooks than its budget of {limits.WebhooksPerSecond} per second, {limits.WebhookBurst} at once (ClientLimits:WebhooksPerSecond, ClientLimits:WebhookBurst). Send again after Retry-After.")
                : ("requests", $"This client sent more requests than its budget of {limits.RequestsPerSecond} per second, {limits.RequestBurst} at once (ClientLimits:RequestsPerSecond, ClientLimits:RequestBurst). Retry after Retry-After.");
        context.RequestServices.GetRequiredService<ClientLimitLog>().Refused(client, limit, $"{context.Request.Method} {context.Request.Path}: {detail}");
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests from this client", Detail = detail },
        });
    }

    private static ClientLimitsOptions Limits(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<ClientLimitsOptions>>().Value;

    /// <summary>One client's budget of one kind.</summary>
    private readonly record struct ClientBudget(string Kind, IPAddress Client);
}
