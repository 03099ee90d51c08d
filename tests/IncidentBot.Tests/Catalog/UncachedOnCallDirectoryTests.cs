using IncidentBot.Catalog;
using IncidentBot.OnCall;
using Microsoft.Extensions.Time.Testing;

namespace IncidentBot.Tests.Catalog;

/// <summary>The plain directory the Services page uses until the on-call sources bring theirs: targets in order, then fallback, then reporter.</summary>
public sealed class UncachedOnCallDirectoryTests
{
    private static readonly OnCallTarget Schedule = new("pagerduty", "schedule", "P1");
    private static readonly OnCallTarget Rota = new("rota", "", "payments");

    private sealed class Source(string name, Func<OnCallTarget, OnCallAnswer> answer) : IOnCallSource
    {
        public string Name => name;

        public Task<OnCallAnswer> WhoIsOnCallAsync(OnCallTarget target, DateTimeOffset at, CancellationToken cancellationToken) => Task.FromResult(answer(target));
    }

    private static OnCallPerson Person(string name, string source) => new(name, $"{name}@example.com", 1, null, source);

    public static TheoryData<string, string, string> Chains => new()
    {
        // what the pager does, what the rota does, who answers
        { "answers", "answers", "pat via pagerduty:schedule/P1" },
        { "refuses", "answers", "rosa via rota:payments" },
        { "empty", "answers", "rosa via rota:payments" },
        { "refuses", "refuses", "lead@example.com via fallback" },
        { "crashes", "answers", "rosa via rota:payments" },
        { "crashes", "crashes", "lead@example.com via fallback" },
        { "empty", "empty", "lead@example.com via fallback" },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public async Task FirstTargetWithSomeoneOnCallAnswersElseTheFallback(string pager, string rota, string expected)
    {
        OnCallAnswer Behave(string how, OnCallPerson person, string source) => how switch
        {
            "answers" => new OnCallAnswer([person], []),
            "empty" => new OnCallAnswer([], []),
            "crashes" => throw new InvalidOperationException("a bug"),
            _ => throw new OnCallSourceException(source, "403 Forbidden"),
        };
        var directory = new UncachedOnCallDirectory(
            [new Source("pagerduty", _ => Behave(pager, Person("pat", "pagerduty"), "pagerduty")), new Source("rota", _ => Behave(rota, Person("rosa", "rota"), "rota"))],
            new FakeTimeProvider());

        var lookup = await directory.LookupAsync(new OnCallRequest([Schedule, Rota], "lead@example.com", "alice"), CancellationToken.None);

        Assert.Equal(expected, $"{lookup.Now.Single().Name} via {lookup.AnsweredBy}");
        Assert.False(lookup.FromCache);
        var failed = new[] { (pager, Schedule), (rota, Rota) }.TakeWhile(x => x.Item1 != "answers").ToList();
        Assert.Equal(failed.Select(x => $"{x.Item2}: {(x.Item1 switch { "empty" => "nobody is on call", "crashes" => "InvalidOperationException: a bug", _ => "403 Forbidden" })}"), lookup.Failures);
    }

    [Fact]
    public async Task WithoutTargetsOrFallbackTheReporterLeadsAndWithoutReporterNobody()
    {
        var directory = new UncachedOnCallDirectory([], new FakeTimeProvider());

        var reporter = await directory.LookupAsync(new OnCallRequest([Schedule], null, "alice"), CancellationToken.None);
        var nobody = await directory.LookupAsync(new OnCallRequest([], null, null), CancellationToken.None);

        Assert.Equal(("alice", "reporter"), (reporter.Now.Single().Name, reporter.AnsweredBy));
        Assert.Equal(["pagerduty:schedule/P1: no pagerduty source is configured"], reporter.Failures);
        Assert.Empty(nobody.Now);
        Assert.Equal("nobody", nobody.AnsweredBy);
    }
}
