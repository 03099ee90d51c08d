using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using IncidentBot.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary>
/// One browser's server-sent event stream (<c>/api/events</c>): a <c>hello</c> event, then the updates as they come,
/// a comment line when there has been nothing to say for <see cref="ClientLimitsOptions.EventStreamHeartbeat"/> (so
/// proxies keep it open and a dead client shows as a failed write), until the browser goes away, the stream has
/// lasted <see cref="ClientLimitsOptions.EventStreamLifetime"/> or the bot stops. Browsers reconnect by themselves
/// after the last two and catch up on what they missed when they get <c>hello</c>.
/// </summary>
internal sealed class ConsoleEventStream(ConsoleEvents events, IOptions<ClientLimitsOptions> limits, IOptions<JsonOptions> json, IHostApplicationLifetime lifetime) : IResult
{
    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

    /// <summary>How long a browser waits before reconnecting after the stream ends (the SSE <c>retry</c> field).</summary>
    private static readonly byte[] Reconnect = "retry: 2000\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Tells nginx and similar proxies not to hold updates back.
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var subscription = events.Subscribe();
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        open.CancelAfter(limits.Value.EventStreamLifetime);
        try
        {
            await response.Body.WriteAsync(Reconnect, open.Token);
            await WriteAsync(response, new ConsoleEvent("hello", 0, null), open.Token);
            await response.Body.FlushAsync(open.Token);
            while (true)
            {
                if (!await NextAsync(subscription.Updates, limits.Value.EventStreamHeartbeat, open.Token))
                {
                    await response.Body.WriteAsync(Heartbeat, open.Token);
                }
                while (subscription.Updates.TryRead(out var update))
                {
                    await WriteAsync(response, update, open.Token);
                }
                await response.Body.FlushAsync(open.Token);
            }
        }
        catch (OperationCanceledException) when (open.IsCancellationRequested)
        {
            // The browser went away, the stream reached its lifetime, or the bot is stopping: the response simply ends.
        }
    }

    /// <summary>True when an update is waiting, false when <paramref name="heartbeat"/> passed without one.</summary>
    private static async Task<bool> NextAsync(ChannelReader<ConsoleEvent> updates, TimeSpan heartbeat, CancellationToken cancellationToken)
    {
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        quiet.CancelAfter(heartbeat);
        try
        {
            return await updates.WaitToReadAsync(quiet.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private Task WriteAsync(HttpResponse response, ConsoleEvent update, CancellationToken cancellationToken)
    {
        // JSON on one line: the serializer escapes line breaks inside strings, so an update is always one data line.
        var data = JsonSerializer.Serialize(update, json.Value.SerializerOptions);
        return response.Body.WriteAsync(Encoding.UTF8.GetBytes($"event: {update.Type}\ndata: {data}\n\n"), cancellationToken).AsTask();
    }
}
