using IncidentBot.OnCall;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.OnCall.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.OnCall;

/// <summary>
/// The directory as the bot registers it, asking each vendor's fake over HTTP: an answer, a vendor that stops
/// answering in time, one that rate-limits, one that refuses, and one with nobody on call. The clock is a fake so
/// the five-minute cache and Retry-After pass at once; the HTTP calls are real.
/// </summary>
public sealed class OnCallDirectoryIntegrationTests
{
    private readonly FakeTimeProvider _time = new(OnCallVendor.Now);

    private static OnCallRequest Request(OnCallTarget target) => new([target], "lead@example.com", "reporter@example.com");

    [Theory]
    [MemberData(nameof(OnCallVendor.Names), MemberType = typeof(OnCallVendor))]
    public async Task EachSourceAnswersThroughTheDirectory(string name)
    {
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        using var harness = OnCallHarness.Create(vendor.Settings(fake), _time);

        var lookup = await harness.Directory.LookupAsync(Request(vendor.Target), CancellationToken.None);

        Assert.Equal(vendor.Target.ToString(), lookup.AnsweredBy);
        Assert.Contains(lookup.Now, p => p.Name == vendor.PersonName && p.Source == vendor.Name && p.Level == 1);
        Assert.False(lookup.FromCache);
        Assert.Empty(lookup.Failures);
    }

    [Theory]
    [MemberData(nameof(OnCallVendor.Names), MemberType = typeof(OnCallVendor))]
    public async Task AVendorTooSlowToAnswerIsReplacedByItsLastAnswer(string name)
    {
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        using var harness = OnCallHarness.Create(vendor.Settings(fake), _time);
        await harness.Directory.LookupAsync(Request(vendor.Target), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(6));
        fake.Delay(TimeSpan.FromMinutes(1));
        var asked = fake.Calls.Count;

        var lookup = harness.Directory.LookupAsync(Request(vendor.Target), CancellationToken.None);
        await Eventually.TrueAsync(() => fake.Calls.Count > asked, $"{vendor.Name} to be asked again");
        _time.Advance(TimeSpan.FromSeconds(2));
        var answered = await lookup;

        Assert.True(answered.FromCache);
        Assert.Contains(answered.Now, p => p.Name == vendor.PersonName);
        Assert.Equal([$"{vendor.Target}: did not answer within 2 s"], answered.Failures);
    }

    [Theory]
    [MemberData(nameof(OnCallVendor.Names), MemberType = typeof(OnCallVendor))]
    public async Task ARateLimitedVendorIsLeftAloneUntilRetryAfter(string name)
    {
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        using var harness = OnCallHarness.Create(vendor.Settings(fake), _time);
        await harness.Directory.LookupAsync(Request(vendor.Target), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(6));
        fake.Throttle(retryAfterSeconds: 30);

        var limited = await harness.Directory.LookupAsync(Request(vendor.Target), CancellationToken.None);
        var askedBefore = fake.Calls.Count;
        var quiet = await harness.Directory.LookupAsync(Request(vendor.Target), CancellationToken.None);
        var askedDuringQuiet = fake.Calls.Count - askedBefore;
        _time.Advance(TimeSpan.FromSeconds(30));
        var again = await harness.Directory.LookupAsync(Request(vendor.Target), CancellationToken.None);

        Assert.True(limited.FromCache);
        Assert.Contains("429", Assert.Single(limited.Failures));
        Assert.True(quiet.FromCache);
        Assert.Equal(0, askedDuringQuiet);
        Assert.False(again.FromCache);
        Assert.Contains(again.Now, p => p.Name == vendor.PersonName);
        Assert.True(fake.Calls.Count > askedBefore);
    }

    [Theory]
    [MemberData(nameof(OnCallVendor.Names), MemberType = typeof(OnCallVendor))]
    public async Task ARefusingVendorGivesWayToTheFallbackCommander(string name)
    {
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        using var harness = OnCallHarness.Create(vendor.Settings(fake), _time);
        fake.FailWith(403);

        var lookup = await harness.Directory.LookupAsync(Request(vendor.Target), CancellationToken.None);

        Assert.Equal("fallback", lookup.AnsweredBy);
        Assert.Equal("lead@example.com", Assert.Single(lookup.Now).Email);
        Assert.StartsWith($"{vendor.Target}: refused access", Assert.Single(lookup.Failures));
        Assert.Contains("403", lookup.Failures[0]);
    }

    [Theory]
    [MemberData(nameof(OnCallVendor.Names), MemberType = typeof(OnCallVendor))]
    public async Task NobodyOnCallAtAVendorGivesWayToTheNextTarget(string name)
    {
        var vendor = OnCallVendor.Named(name);
        await using var fake = await vendor.StartAsync();
        using var harness = OnCallHarness.Create(vendor.Settings(fake), _time);

        var lookup = await harness.Directory.LookupAsync(new OnCallRequest([vendor.EmptyTarget, vendor.Target], null, null), CancellationToken.None);

        Assert.Equal(vendor.Target.ToString(), lookup.AnsweredBy);
        Assert.Equal([$"{vendor.EmptyTarget}: nobody is on call"], lookup.Failures);
    }

    [Fact]
    public async Task TheChainCrossesVendors()
    {
        await using var pagerDuty = (FakePagerDuty)await OnCallVendor.PagerDuty.StartAsync();
        await using var goAlert = (FakeGoAlert)await OnCallVendor.GoAlert.StartAsync();
        using var harness = OnCallHarness.Create(OnCallHarness.Settings(pagerDuty: pagerDuty, goAlert: goAlert), _time);
        pagerDuty.FailWith(500);

        var lookup = await harness.Directory.LookupAsync(new OnCallRequest([OnCallVendor.PagerDuty.Target, new OnCallTarget("opsgenie", "schedule", "ops"), OnCallVendor.GoAlert.Target], null, null), CancellationToken.None);

        Assert.Equal("goalert:service/svc-1", lookup.AnsweredBy);
        Assert.Equal(
            ["pagerduty:escalation-policy/PEP1: answered 500 for escalation-policy PEP1", "opsgenie:schedule/ops: no on-call source named 'opsgenie' is configured"],
            lookup.Failures);
    }
}
