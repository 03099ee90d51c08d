using IncidentBot.OnCall;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.OnCall;

/// <summary>
/// Every step of the directory's chain, with sources scripted in memory and time that moves only when the test
/// says: answers, the cache and its expiry, timeouts, rate limits, failures, the fallback commander and the reporter.
/// </summary>
public sealed class OnCallDirectoryTests : IDisposable
{
    private static readonly OnCallTarget Primary = new("pagerduty", "escalation-policy", "PEP1");
    private static readonly OnCallTarget Group = new("rota", "", "payments");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
    private readonly ScriptedSource _pagerDuty = new("pagerduty");
    private readonly ScriptedSource _rota = new("rota");
    private OnCallHarness? _harness;

    private OnCallHarness Harness => _harness ??= OnCallHarness.Create(_settings, _time, services =>
    {
        services.AddSingleton<IOnCallSource>(_pagerDuty);
        services.AddSingleton<IOnCallSource>(_rota);
    });

    private readonly Dictionary<string, string?> _settings = [];

    public void Dispose() => _harness?.Dispose();

    private static OnCallPerson Person(string name, DateTimeOffset? ends = null, string source = "pagerduty", int level = 1) =>
        new(name, $"{name.ToLowerInvariant()}@example.com", level, ends, source);

    private static OnCallAnswer Answer(params OnCallPerson[] now) => new(now, []);

    private Task<OnCallLookup> LookupAsync(params OnCallTarget[] targets) =>
        Harness.Directory.LookupAsync(new OnCallRequest(targets, "lead@example.com", "reporter@example.com"), CancellationToken.None);

    [Fact]
    public async Task TheFirstTargetThatAnswersGivesItsPeople()
    {
        _pagerDuty.Answers(Answer(Person("Alice")) with { Next = [Person("Bob")] });

        var lookup = await LookupAsync(Primary, Group);

        Assert.Equal([Person("Alice")], lookup.Now);
        Assert.Equal([Person("Bob")], lookup.Next);
        Assert.Equal("pagerduty:escalation-policy/PEP1", lookup.AnsweredBy);
        Assert.False(lookup.FromCache);
        Assert.Empty(lookup.Failures);
        Assert.Equal([(Primary, _time.GetUtcNow())], _pagerDuty.Calls);
        Assert.Empty(_rota.Calls);
    }

    [Fact]
    public async Task SourceNamesMatchWhateverTheirCase()
    {
        _pagerDuty.Answers(Answer(Person("Alice")));

        var lookup = await LookupAsync(new OnCallTarget("PagerDuty", "escalation-policy", "PEP1"));

        Assert.Equal("Alice", Assert.Single(lookup.Now).Name);
    }

    [Fact]
    public async Task AnAnswerIsRememberedForFiveMinutes()
    {
        _pagerDuty.Answers(Answer(Person("Alice")));
        await LookupAsync(Primary);

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        var remembered = await LookupAsync(Primary);
        _pagerDuty.Answers(Answer(Person("Bob")));
        _time.Advance(TimeSpan.FromSeconds(1));
        var asked = await LookupAsync(Primary);

        Assert.Equal("Alice", Assert.Single(remembered.Now).Name);
        Assert.False(remembered.FromCache); // fresh: not a stand-in for a failed source
        Assert.Equal("Bob", Assert.Single(asked.Now).Name);
        Assert.Equal(2, _pagerDuty.Calls.Count);
        Assert.Equal(1, Harness.CacheHits.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task AnAnswerIsRememberedOnlyUntilTheFirstShiftInItEnds()
    {
        var start = _time.GetUtcNow();
        _pagerDuty.Answers(Answer(Person("Alice", start.AddMinutes(2)), Person("Bob", start.AddHours(3), level: 2)));
        await LookupAsync(Primary);

        _time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromMilliseconds(1));
        await LookupAsync(Primary);
        Assert.Single(_pagerDuty.Calls);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await LookupAsync(Primary);
        Assert.Equal(2, _pagerDuty.Calls.Count);
    }

    [Fact]
    public async Task RememberedAnswersAreKeptPerTarget()
    {
        _pagerDuty.Answers(Answer(Person("Alice")));
        await LookupAsync(Primary);
        _pagerDuty.Answers(Answer(Person("Zed")));

        var other = await LookupAsync(Primary with { Id = "PEP2" });

        Assert.Equal("Zed", Assert.Single(other.Now).Name);
    }

    [Fact]
    public async Task ASlowSourceIsReplacedByItsLastAnswerMarkedAsRemembered()
    {
        _pagerDuty.Answers(Answer(Person("Alice")));
        await LookupAsync(Primary);
        _time.Advance(TimeSpan.FromMinutes(6));
        var hang = _pagerDuty.Hangs();

        var lookup = LookupAsync(Primary, Group);
        _time.Advance(TimeSpan.FromSeconds(2));
        var answered = await lookup;

        Assert.True(answered.FromCache);
        Assert.Equal("Alice", Assert.Single(answered.Now).Name);
        Assert.Equal("pagerduty:escalation-policy/PEP1", answered.AnsweredBy);
        Assert.Equal(["pagerduty:escalation-policy/PEP1: did not answer within 2 s"], answered.Failures);
        Assert.True(hang.IsCancellationRequested, "the abandoned call's token is cancelled");
        Assert.Empty(_rota.Calls);
    }

    [Fact]
    public async Task ASlowSourceWithNothingRememberedGivesWayToTheNextTarget()
    {
        _pagerDuty.Hangs();
        _rota.Answers(Answer(Person("Rota Person", source: "rota")));

        var lookup = LookupAsync(Primary, Group);
        await Eventually.TrueAsync(() => _pagerDuty.Calls.Count == 1, "the first target to be asked");
        _time.Advance(TimeSpan.FromSeconds(2));
        var answered = await lookup;

        Assert.Equal("rota:payments", answered.AnsweredBy);
        Assert.False(answered.FromCache);
        Assert.Equal(["pagerduty:escalation-policy/PEP1: did not answer within 2 s"], answered.Failures);
    }

    [Fact]
    public async Task ASourceIgnoringCancellationIsStillGivenUpOn()
    {
        _pagerDuty.Never(); // a task that never ends, whatever its token says

        var lookup = LookupAsync(Primary);
        _time.Advance(TimeSpan.FromSeconds(2));
        var answered = await lookup;

        Assert.Equal(OnCallDirectory.Fallback, answered.AnsweredBy);
    }

    [Fact]
    public async Task TheTimeoutIsConfigurable()
    {
        _settings["OnCall:Timeout"] = "00:00:00.500";
        _pagerDuty.Hangs();

        var lookup = LookupAsync(Primary);
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(lookup.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var answered = await lookup;

        Assert.Equal(["pagerduty:escalation-policy/PEP1: did not answer within 0.5 s"], answered.Failures);
    }

    [Fact]
    public async Task ARateLimitedSourceIsNotAskedUntilRetryAfterAndItsLastAnswerServes()
    {
        _pagerDuty.Answers(Answer(Person("Alice")));
        await LookupAsync(Primary);
        _time.Advance(TimeSpan.FromMinutes(6));
        _pagerDuty.Throws(new OnCallSourceException("pagerduty", "rate limited (429); retry after 30 s", TimeSpan.FromSeconds(30)));

        var limited = await LookupAsync(Primary);
        _time.Advance(TimeSpan.FromSeconds(29));
        var quiet = await LookupAsync(Primary);
        _pagerDuty.Answers(Answer(Person("Bob")));
        _time.Advance(TimeSpan.FromSeconds(1));
        var again = await LookupAsync(Primary);

        Assert.True(limited.FromCache);
        Assert.Equal("Alice", Assert.Single(limited.Now).Name);
        Assert.Equal(["pagerduty:escalation-policy/PEP1: rate limited (429); retry after 30 s"], limited.Failures);
        Assert.True(quiet.FromCache);
        Assert.Equal(["pagerduty:escalation-policy/PEP1: rate limited; not asked again until 10:06:30 UTC"], quiet.Failures);
        Assert.Equal("Bob", Assert.Single(again.Now).Name);
        Assert.Equal(3, _pagerDuty.Calls.Count); // not the quiet lookup
    }

    [Fact]
    public async Task ARateLimitQuietensEveryTargetOfThatSource()
    {
        _pagerDuty.Throws(new OnCallSourceException("pagerduty", "rate limited (429)", TimeSpan.FromMinutes(1)));
        _rota.Answers(Answer(Person("Rota Person", source: "rota")));

        await LookupAsync(Primary, Group);
        var other = await LookupAsync(Primary with { Id = "PEP2" }, Group);

        Assert.Single(_pagerDuty.Calls);
        Assert.Equal("rota:payments", other.AnsweredBy);
        Assert.Contains("not asked again", Assert.Single(other.Failures));
    }

    [Fact]
    public async Task ARefusingSourceGivesWayToTheNextTargetWithTheReasonNamed()
    {
        _pagerDuty.Throws(new OnCallSourceException("pagerduty", "refused access to escalation-policy PEP1 (403)", inner: new HttpRequestException("403", null, System.Net.HttpStatusCode.Forbidden)));
        _rota.Answers(Answer(Person("Rota Person", source: "rota")));

        var lookup = await LookupAsync(Primary, Group);

        Assert.Equal("rota:payments", lookup.AnsweredBy);
        Assert.Equal(["pagerduty:escalation-policy/PEP1: refused access to escalation-policy PEP1 (403)"], lookup.Failures);
        var failure = Assert.Single(Harness.Failures.GetMeasurementSnapshot());
        Assert.Equal("refused", failure.Tags["reason"]);
        Assert.Equal("pagerduty", failure.Tags["source"]);
    }

    [Fact]
    public async Task AnAnswerOlderThanTwelveHoursIsNotGivenForAFailedSource()
    {
        _pagerDuty.Answers(Answer(Person("Alice")));
        await LookupAsync(Primary);
        _time.Advance(OnCallDirectory.StaleFor + TimeSpan.FromSeconds(1));
        _pagerDuty.Throws(new OnCallSourceException("pagerduty", "answered 500"));

        var lookup = await LookupAsync(Primary);

        Assert.Equal(OnCallDirectory.Fallback, lookup.AnsweredBy);
    }

    [Fact]
    public async Task NobodyOnCallIsAFailureAndTheChainGoesOn()
    {
        _pagerDuty.Answers(Answer());
        _rota.Answers(Answer(Person("Rota Person", source: "rota")));

        var lookup = await LookupAsync(Primary, Group);

        Assert.Equal("rota:payments", lookup.AnsweredBy);
        Assert.Equal(["pagerduty:escalation-policy/PEP1: nobody is on call"], lookup.Failures);
    }

    [Fact]
    public async Task AnUnconfiguredSourceIsNamedAndSkipped()
    {
        _rota.Answers(Answer(Person("Rota Person", source: "rota")));

        var lookup = await LookupAsync(new OnCallTarget("opsgenie", "schedule", "ops"), Group);

        Assert.Equal("rota:payments", lookup.AnsweredBy);
        Assert.Equal(["opsgenie:schedule/ops: no on-call source named 'opsgenie' is configured"], lookup.Failures);
    }

    [Fact]
    public async Task ASourceThrowingSomethingElseStillLetsTheChainGoOn()
    {
        _pagerDuty.Throws(new InvalidOperationException("bug in a source"));

        var lookup = await LookupAsync(Primary);

        Assert.Equal(OnCallDirectory.Fallback, lookup.AnsweredBy);
        Assert.Equal(["pagerduty:escalation-policy/PEP1: bug in a source"], lookup.Failures);
    }

    [Fact]
    public async Task WhenNoTargetAnswersTheFallbackCommanderIs()
    {
        _pagerDuty.Throws(new OnCallSourceException("pagerduty", "answered 500"));
        _rota.Answers(Answer());

        var lookup = await LookupAsync(Primary, Group);

        Assert.Equal([new OnCallPerson("lead@example.com", "lead@example.com", 1, null, "fallback")], lookup.Now);
        Assert.Equal("fallback", lookup.AnsweredBy);
        Assert.Equal(["pagerduty:escalation-policy/PEP1: answered 500", "rota:payments: nobody is on call"], lookup.Failures);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task WithoutAFallbackCommanderTheReporterIs(string? fallback)
    {
        var lookup = await Harness.Directory.LookupAsync(new OnCallRequest([], fallback, "U123SLACK"), CancellationToken.None);

        Assert.Equal([new OnCallPerson("U123SLACK", null, 1, null, "reporter")], lookup.Now);
        Assert.Equal("reporter", lookup.AnsweredBy);
    }

    [Fact]
    public async Task WithNobodyAtAllTheLookupSaysSo()
    {
        _pagerDuty.Throws(new OnCallSourceException("pagerduty", "answered 500"));

        var lookup = await Harness.Directory.LookupAsync(new OnCallRequest([Primary], null, null), CancellationToken.None);

        Assert.Empty(lookup.Now);
        Assert.Equal(OnCallDirectory.Nobody, lookup.AnsweredBy);
        Assert.Single(lookup.Failures);
    }

    [Fact]
    public async Task TheCallersCancellationIsNotAFailure()
    {
        _pagerDuty.Hangs();
        using var cancel = new CancellationTokenSource();

        var lookup = Harness.Directory.LookupAsync(new OnCallRequest([Primary], "lead@example.com", null), cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => lookup);
    }

    [Fact]
    public async Task LookupsAreCountedByWhatAnsweredAndWhetherItWasRemembered()
    {
        _pagerDuty.Answers(Answer(Person("Alice")));
        await LookupAsync(Primary);
        _time.Advance(TimeSpan.FromMinutes(6));
        _pagerDuty.Throws(new OnCallSourceException("pagerduty", "answered 502"));
        await LookupAsync(Primary);
        await Harness.Directory.LookupAsync(new OnCallRequest([], null, "someone"), CancellationToken.None);

        var lookups = Harness.Lookups.GetMeasurementSnapshot().Select(m => ($"{m.Tags["answered_by"]}", $"{m.Tags["stale"]}")).ToList();
        Assert.Equal([("pagerduty", "false"), ("pagerduty", "true"), ("reporter", "false")], lookups);
        Assert.Equal("failed", Assert.Single(Harness.Failures.GetMeasurementSnapshot()).Tags["reason"]);
    }

    /// <summary>An on-call source whose next answers the test sets, recording what it was asked.</summary>
    private sealed class ScriptedSource(string name) : IOnCallSource
    {
        private readonly Lock _gate = new();
        private readonly List<(OnCallTarget, DateTimeOffset)> _calls = [];
        private Func<CancellationToken, Task<OnCallAnswer>> _behaviour = _ => Task.FromException<OnCallAnswer>(new OnCallSourceException(name, "not scripted"));

        public string Name => name;

        public IReadOnlyList<(OnCallTarget Target, DateTimeOffset At)> Calls => _gate.Locked(() => _calls.ToList());

        public void Answers(OnCallAnswer answer) => _behaviour = _ => Task.FromResult(answer);

        public void Throws(Exception ex) => _behaviour = _ => Task.FromException<OnCallAnswer>(ex);

        /// <summary>Answers never, until the call's token is cancelled; returns that token's state.</summary>
        public CancellationTokenState Hangs()
        {
            var state = new CancellationTokenState();
            _behaviour = async token =>
            {
                state.Token = token;
                await Task.Delay(Timeout.Infinite, token);
                throw new InvalidOperationException("unreachable");
            };
            return state;
        }

        public void Never() => _behaviour = _ => new TaskCompletionSource<OnCallAnswer>().Task;

        public Task<OnCallAnswer> WhoIsOnCallAsync(OnCallTarget target, DateTimeOffset at, CancellationToken cancellationToken)
        {
            _gate.Locked(() => _calls.Add((target, at)));
            return _behaviour(cancellationToken);
        }
    }

    private sealed class CancellationTokenState
    {
        public CancellationToken Token { get; set; }

        public bool IsCancellationRequested => Token.IsCancellationRequested;
    }
}
