using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall;

/// <summary>
/// Walks an <see cref="OnCallRequest"/>'s chain: each target in order, asked of the source with the target's name,
/// then the fallback commander, then the reporter. Answers are remembered until the earliest shift in them ends or
/// <see cref="FreshFor"/> passes, whichever is first. A source that fails (no answer within <c>OnCall:Timeout</c>,
/// refused, rate limited, unreadable) is replaced by its last remembered answer, marked <c>FromCache</c>, or else by
/// the next step; a source that answered 429 is not asked again until its <c>Retry-After</c> has passed. Every
/// failure is named in the lookup's <c>Failures</c>, so the timeline can say which source failed and why.
/// </summary>
public sealed class OnCallDirectory : IOnCallDirectory
{
    /// <summary>The longest an answer is given again without asking the source.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(5);

    /// <summary>The oldest answer given in place of a failed source: older ones describe shifts long over.</summary>
    public static readonly TimeSpan StaleFor = TimeSpan.FromHours(12);

    /// <summary><see cref="OnCallLookup.AnsweredBy"/> for the chain's last steps.</summary>
    public const string Fallback = "fallback", Reporter = "reporter", Nobody = "none";

    private readonly Dictionary<string, IOnCallSource> _sources;
    private readonly IOptionsMonitor<OnCallOptions> _options;
    private readonly TimeProvider _time;
    private readonly OnCallMetrics _metrics;
    private readonly ILogger<OnCallDirectory> _logger;
    private readonly ConcurrentDictionary<string, Remembered> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _quietUntil = new(StringComparer.OrdinalIgnoreCase);

    public OnCallDirectory(IEnumerable<IOnCallSource> sources, IOptionsMonitor<OnCallOptions> options, TimeProvider time, OnCallMetrics metrics, ILogger<OnCallDirectory> logger)
    {
        // The first source registered under a name answers for it.
        _sources = sources.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        _options = options;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    public async Task<OnCallLookup> LookupAsync(OnCallRequest request, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var target in request.Targets)
        {
            if (await AskAsync(target, failures, cancellationToken) is { } answered)
            {
                _metrics.Lookup(target.Source.ToLowerInvariant(), answered.FromCache);
                return answered;
            }
        }
        var lookup = Person(request.FallbackCommander, Fallback, failures) ?? Person(request.Reporter, Reporter, failures)
            ?? new OnCallLookup([], [], Nobody, false, failures);
        _metrics.Lookup(lookup.AnsweredBy, stale: false);
        if (failures.Count > 0)
        {
            _logger.LogInformation("Who is on call was answered by {OnCallAnsweredBy} after {OnCallFailureCount} failure(s)", lookup.AnsweredBy, failures.Count);
        }
        return lookup;
    }

    /// <summary>One target: a fresh remembered answer, else the source, else the last remembered answer; null moves on.</summary>
    private async Task<OnCallLookup?> AskAsync(OnCallTarget target, List<string> failures, CancellationToken cancellationToken)
    {
        var key = Key(target);
        var now = _time.GetUtcNow();
        if (!_sources.TryGetValue(target.Source, out var source))
        {
            Fail(target, "not_configured", $"no on-call source named '{target.Source}' is configured", failures);
            return null;
        }
        if (_answers.TryGetValue(key, out var remembered) && remembered.FreshUntil > now)
        {
            _metrics.CacheHit(source.Name);
            return Use(target, remembered.Answer, fromCache: false, failures);
        }
        if (_quietUntil.TryGetValue(source.Name, out var quiet) && quiet > now)
        {
            Fail(target, "rate_limited", $"rate limited; not asked again until {quiet.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC", failures);
            return Stale(target, key, now, failures);
        }

        var timeout = _options.CurrentValue.Timeout;
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<OnCallAnswer>? asked = null;
        try
        {
            asked = source.WhoIsOnCallAsync(target, now, call.Token);
            // WaitAsync gives up at the timeout even when a source ignores its cancellation token.
            var answer = await asked.WaitAsync(timeout, _time, cancellationToken);
            _answers[key] = new Remembered(answer, FreshUntil(answer, now), now);
            return Use(target, answer, fromCache: false, failures);
        }
        catch (TimeoutException)
        {
            await call.CancelAsync();
            Observe(asked);
            Fail(target, "timeout", $"did not answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s", failures);
        }
        catch (OnCallSourceException ex)
        {
            if (ex.RetryAfter is { } wait)
            {
                _quietUntil[source.Name] = now + (wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            }
            Fail(target, Reason(ex), ex.Problem, failures);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            // A source broke its contract (it should throw OnCallSourceException); the chain goes on all the same.
            _logger.LogWarning(ex, "On-call source {OnCallSource} failed unexpectedly for {OnCallTarget}", source.Name, target.ToString());
            Fail(target, "failed", ex.Message, failures);
        }
        return Stale(target, key, now, failures);
    }

    /// <summary>The last answer with someone in it, if it is not too old, marked as remembered.</summary>
    private OnCallLookup? Stale(OnCallTarget target, string key, DateTimeOffset now, List<string> failures)
    {
        if (_answers.TryGetValue(key, out var remembered) && remembered.Answer.Now.Count > 0 && now - remembered.AnsweredAt <= StaleFor)
        {
            _logger.LogInformation("Who is on call for {OnCallTarget} is the answer remembered from {OnCallAnsweredAt:O}", target.ToString(), remembered.AnsweredAt);
            return Answered(target, remembered.Answer, fromCache: true, failures);
        }
        return null;
    }

    private OnCallLookup? Use(OnCallTarget target, OnCallAnswer answer, bool fromCache, List<string> failures)
    {
        if (answer.Now.Count == 0)
        {
            Fail(target, "empty", "nobody is on call", failures);
            return null;
        }
        return Answered(target, answer, fromCache, failures);
    }

    private static OnCallLookup Answered(OnCallTarget target, OnCallAnswer answer, bool fromCache, List<string> failures) =>
        new(answer.Now, answer.Next, target.ToString(), fromCache, failures);

    private void Fail(OnCallTarget target, string reason, string problem, List<string> failures)
    {
        failures.Add($"{target}: {problem}");
        _metrics.SourceFailed(target.Source.ToLowerInvariant(), reason);
        _logger.LogWarning("On-call source {OnCallSource} could not say who is on call for {OnCallTarget} ({OnCallFailure}): {OnCallProblem}", target.Source, target.ToString(), reason, problem);
    }

    /// <summary>The fallback commander or the reporter as the one person on call; null when not given.</summary>
    private static OnCallLookup? Person(string? who, string step, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(who))
        {
            return null;
        }
        who = who.Trim();
        var email = who.Contains('@', StringComparison.Ordinal) ? who : null;
        return new OnCallLookup([new OnCallPerson(who, email, 1, null, step)], [], step, false, failures);
    }

    /// <summary>Until the first shift in the answer ends, at most <see cref="FreshFor"/>.</summary>
    private static DateTimeOffset FreshUntil(OnCallAnswer answer, DateTimeOffset now)
    {
        var until = now + FreshFor;
        foreach (var person in answer.Now)
        {
            if (person.ShiftEnds is { } ends && ends < until)
            {
                until = ends;
            }
        }
        return until;
    }

    /// <summary>The failure's kind for the metric, from what the source said and what caused it.</summary>
    private static string Reason(OnCallSourceException ex) => ex switch
    {
        { RetryAfter: not null } => "rate_limited",
        { InnerException: HttpRequestException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } } => "refused",
        { InnerException: HttpRequestException { StatusCode: HttpStatusCode.NotFound } } => "not_found",
        { InnerException: HttpRequestException or TimeoutException or TaskCanceledException } => "unavailable",
        { InnerException: JsonException or InvalidDataException } => "invalid",
        _ => "failed",
    };

    /// <summary>A call given up on may still fail later; its exception is observed so it is not reported as unobserved.</summary>
    private static void Observe(Task? abandoned) =>
        abandoned?.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private static string Key(OnCallTarget target) =>
        $"{target.Source.ToLowerInvariant()}:{target.Kind.ToLowerInvariant()}/{target.Id}";

    private sealed record Remembered(OnCallAnswer Answer, DateTimeOffset FreshUntil, DateTimeOffset AnsweredAt);
}
