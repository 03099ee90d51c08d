using IncidentBot.Incidents;
using IncidentBot.OnCall;
using IncidentBot.Runbooks.Sessions;
using IncidentBot.Storage.LiteDb;
using LiteDB;

namespace IncidentBot.Tests.Storage;

/// <summary>
/// LiteDB 5 builds a type's mapping on first use and publishes it before its member list is complete, so threads
/// touching a type together for the first time could write or read a document with fields missing (LiteDB issue
/// 2536). The bot's mapper is built whole before it is used: a fresh mapper under many threads at once always writes
/// every field and reads every field back.
/// </summary>
public sealed class LiteDbMapperConcurrencyTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);

    private static Incident Full() => new()
    {
        Number = 1,
        Title = "Checkout down",
        CreatedAt = At,
        Roles = { ["commander"] = "ann" },
        OnCall = new OnCallAsk
        {
            Component = "checkout-api",
            Handle = "ann",
            Email = "ann@example.com",
            Level = 1,
            AskedAt = At,
            AcceptedAt = At.AddMinutes(1),
            People = [new OnCallCandidate { Handle = "ann", Email = "ann@example.com", Level = 1 }],
            Asked = ["ann"],
        },
        RunbookSessions = [new RunbookSession { RunbookId = "r", Title = "R", Version = "v", StartedAt = At, StartedBy = "ann", Steps = [new RunbookStepRecord { Title = "one" }] }],
        ReminderDueAt = At.AddMinutes(15),
    };

    /// <summary>Every field path of a document, nested ones included.</summary>
    private static List<string> Paths(BsonValue value, string prefix = "")
    {
        var paths = new List<string>();
        if (value.IsDocument)
        {
            foreach (var (key, inner) in value.AsDocument)
            {
                paths.Add(prefix + key);
                paths.AddRange(Paths(inner, $"{prefix}{key}."));
            }
        }
        else if (value.IsArray)
        {
            foreach (var inner in value.AsArray)
            {
                paths.AddRange(Paths(inner, $"{prefix}[]."));
            }
        }
        return paths;
    }

    [Fact]
    public async Task AFreshMapperUnderManyThreadsWritesAndReadsEveryField()
    {
        var reference = LiteDbMapper.Create().ToDocument(Full());
        var expected = Paths(reference);
        Assert.Contains("OnCall.AskedAt", expected);
        Assert.Contains("RunbookSessions.[].Steps.[].Title", expected);

        for (var round = 0; round < 40; round++)
        {
            var mapper = LiteDbMapper.Create();
            using var start = new Barrier(8);
            var work = Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            {
                start.SignalAndWait();
                // Half write, half read, as the intake and a command do at once after a restart.
                return i % 2 == 0
                    ? Paths(mapper.ToDocument(Full()))
                    : Paths(mapper.ToDocument(mapper.ToObject<Incident>(reference)));
            })).ToList();

            foreach (var paths in await Task.WhenAll(work))
            {
                Assert.Equal(expected, paths);
            }
        }
    }

    [Fact]
    public void AnAskReadBackKeepsItsTimes()
    {
        var mapper = LiteDbMapper.Create();

        var back = mapper.ToObject<Incident>(mapper.ToDocument(Full()));

        Assert.Equal((At, (DateTimeOffset?)At.AddMinutes(1)), (back.OnCall!.AskedAt, back.OnCall.AcceptedAt));
        Assert.Equal(At.AddMinutes(15), back.ReminderDueAt);
    }
}
