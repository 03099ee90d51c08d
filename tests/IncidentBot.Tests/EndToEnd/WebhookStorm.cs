using System.Collections.Concurrent;
using System.Net;
using System.Text;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.EndToEnd;

/// <summary>One alert of a <see cref="WebhookStorm"/>: a generic alert titled <c>Storm {Key}</c>, deduplicated on its key.</summary>
public sealed record StormAlert(string Key, string Fingerprint, string? Severity = null)
{
    private const int Keys = 20;

    /// <summary>The <paramref name="n"/>th alert of a storm: its key cycles over the storm's 20 dedup keys.</summary>
    public static StormAlert Numbered(int n, string fingerprint) => new($"key-{n % Keys}", fingerprint);

    /// <summary>The alert as a <c>/webhooks/generic</c> request body.</summary>
    public StringContent ToContent() => Severity is null
        ? new($$"""{"title":"Storm {{Key}}","dedupKey":"{{Key}}","fingerprint":"{{Fingerprint}}"}""", Encoding.UTF8, "application/json")
        : new($$"""{"title":"Storm {{Key}}","dedupKey":"{{Key}}","fingerprint":"{{Fingerprint}}","severity":"{{Severity}}"}""", Encoding.UTF8, "application/json");
}

/// <summary>
/// Eight senders posting generic alerts over 20 dedup keys to a bot process as fast as it answers, until stopped:
/// the load under which the end-to-end tests kill or stop the bot, with a record of which alerts it acknowledged.
/// </summary>
public sealed class WebhookStorm
{
    private const int Senders = 8;

    private readonly ConcurrentBag<StormAlert> _acknowledged = [];
    private readonly ConcurrentBag<StormAlert> _unanswered = [];
    private readonly ConcurrentBag<StormAlert> _refused = [];
    private long _slowestAnswerTicks;
    private int _refusedWithoutRetryAfter;
    private readonly HttpClient _client;
    private readonly Func<int, int, StormAlert> _alert;
    private readonly HttpStatusCode? _allowedRefusal;
    private readonly bool _stopSenderWhenUnanswered;
    private readonly Task[] _senders;
    private volatile bool _stopping;

    private WebhookStorm(HttpClient client, int alertsPerSender, HttpStatusCode? allowedRefusal, bool stopSenderWhenUnanswered, Func<int, int, StormAlert>? alert)
    {
        _client = client;
        _alert = alert ?? ((sender, i) => StormAlert.Numbered(i, $"s{sender}-{i}"));
        _allowedRefusal = allowedRefusal;
        _stopSenderWhenUnanswered = stopSenderWhenUnanswered;
        _senders = Enumerable.Range(0, Senders).Select(sender => Task.Run(() => SendAsync(sender, alertsPerSender))).ToArray();
    }

    /// <summary>Alerts answered with 202.</summary>
    public IReadOnlyCollection<StormAlert> Acknowledged => _acknowledged;

    /// <summary>Alerts answered with the allowed refusal: their sender must send them again.</summary>
    public IReadOnlyCollection<StormAlert> Refused => _refused;

    /// <summary>How many refusals came without a Retry-After header.</summary>
    public int RefusedWithoutRetryAfter => _refusedWithoutRetryAfter;

    /// <summary>The longest any request waited for its answer, whatever the answer.</summary>
    public TimeSpan SlowestAnswer => TimeSpan.FromTicks(Interlocked.Read(ref _slowestAnswerTicks));

    /// <summary>Alerts whose request got no answer at all (the connection failed): stored or not, both are honest.</summary>
    public IReadOnlyCollection<StormAlert> Unanswered => _unanswered;

    /// <param name="bot">The bot process to post to.</param>
    /// <param name="alertsPerSender">How many alerts each sender posts at most, should the storm not be stopped first.</param>
    /// <param name="allowedRefusal">
    /// The one answer besides 202 the bot may give (the alert is then not acknowledged); any other answer fails the
    /// test. Null when only 202 is right.
    /// </param>
    /// <param name="stopSenderWhenUnanswered">
    /// True when a failed connection means the process is gone, so the sender gives up; false when it means the
    /// listener has closed while stopping, so the sender pauses and goes on, as a real sender retries later.
    /// </param>
    public static WebhookStorm Start(BotProcess bot, int alertsPerSender, HttpStatusCode? allowedRefusal, bool stopSenderWhenUnanswered) =>
        new(bot.Client, alertsPerSender, allowedRefusal, stopSenderWhenUnanswered, null);

    /// <summary>The same storm through any client (a load balancer's); <paramref name="alert"/> makes sender <c>s</c>'s <c>i</c>th alert.</summary>
    public static WebhookStorm Start(HttpClient client, int alertsPerSender, HttpStatusCode? allowedRefusal, bool stopSenderWhenUnanswered, Func<int, int, StormAlert>? alert = null) =>
        new(client, alertsPerSender, allowedRefusal, stopSenderWhenUnanswered, alert);

    public Task WaitForAcknowledgedAsync(int count) =>
        Eventually.TrueAsync(() => _acknowledged.Count >= count, $"{count} acknowledged alerts", TimeSpan.FromSeconds(60));

    /// <summary>Stops the senders and waits for them, failing the test with what any sender asserted.</summary>
    public async Task StopAsync()
    {
        _stopping = true;
        await Task.WhenAll(_senders);
    }

    private async Task SendAsync(int sender, int alerts)
    {
        for (var i = 0; !_stopping && i < alerts; i++)
        {
            var alert = _alert(sender, i);
            try
            {
                using var body = alert.ToContent();
                var sent = System.Diagnostics.Stopwatch.GetTimestamp();
                using var response = await _client.PostAsync("/webhooks/generic", body);
                var waited = System.Diagnostics.Stopwatch.GetElapsedTime(sent).Ticks;
                for (var slowest = Interlocked.Read(ref _slowestAnswerTicks); waited > slowest; slowest = Interlocked.Read(ref _slowestAnswerTicks))
                {
                    Interlocked.CompareExchange(ref _slowestAnswerTicks, waited, slowest);
                }
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    _acknowledged.Add(alert);
                }
                else
                {
                    Assert.Equal(_allowedRefusal ?? HttpStatusCode.Accepted, response.StatusCode);
                    _refused.Add(alert);
                    if (response.Headers.RetryAfter is null)
                    {
                        Interlocked.Increment(ref _refusedWithoutRetryAfter);
                    }
                }
            }
            catch (HttpRequestException)
            {
                _unanswered.Add(alert);
                if (_stopSenderWhenUnanswered)
                {
                    return;
                }
                await Task.Delay(10);
            }
        }
    }
}
