using System.Text;
using IncidentBot.Rca;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>
/// Reviews: every version kept within the history budget, a save on top of a version someone else moved on refused,
/// the same text not saved twice, of two people saving at once exactly one succeeding, all of it across a restart.
/// </summary>
public abstract class RcaStoreContract
{
    private const int Budget = 8 * 1024 * 1024;
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-05T10:00:00Z");

    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task EachSaveIsTheNextVersionAndEveryVersionIsKeptAcrossARestart()
    {
        await using var store = await OpenAsync();
        var number = await StoredIncidents.AddAsync(store);
        var rcas = store.Get<IRcaStore>();

        Assert.Null(await rcas.FindRcaAsync(number));
        var first = await rcas.SaveRcaVersionAsync(number, "# Generated", "incidentbot", Start, expectedVersion: 0, Budget);
        var second = await rcas.SaveRcaVersionAsync(number, "# Edited by Zoë 🚒", "zoe", Start.AddMinutes(5), expectedVersion: 1, Budget);
        await store.ReopenAsync();
        var read = await store.Get<IRcaStore>().FindRcaAsync(number);

        Assert.Equal(1, first?.Current.Version);
        Assert.Equal([1, 2], second?.Versions.Select(v => v.Version));
        Assert.NotNull(read);
        Assert.Equal(number, read.IncidentNumber);
        Assert.Equal(["1 incidentbot 10:00:00 # Generated", "2 zoe 10:05:00 # Edited by Zoë 🚒"], read.Versions.Select(Shown));
        Assert.Null(read.CompletedAt);
        Assert.Null(read.CompletedBy);
    }

    [SkippableTheory]
    [InlineData(0, -1)]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(3, 0)]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(3, 4)]
    [InlineData(3, 17)]
    [InlineData(3, int.MaxValue)]
    public async Task ASaveOnTopOfAVersionThatIsNotCurrentSavesNothing(int saved, int expected)
    {
        await using var store = await OpenAsync();
        var number = await StoredIncidents.AddAsync(store);
        var rcas = store.Get<IRcaStore>();
        for (var version = 1; version <= saved; version++)
        {
            await rcas.SaveRcaVersionAsync(number, $"# Version {version}", "alice", Start.AddMinutes(version), version - 1, Budget);
        }

        var stale = await rcas.SaveRcaVersionAsync(number, "# Bob's edit of an old version", "bob", Start.AddHours(1), expected, Budget);

        Assert.Null(stale);
        var read = await rcas.FindRcaAsync(number);
        if (saved == 0)
        {
            // Not even an empty review is left behind by the refused save.
            Assert.Null(read);
            Assert.DoesNotContain(await rcas.RcasAsync(), r => r.IncidentNumber == number);
        }
        else
        {
            Assert.Equal(Enumerable.Range(1, saved), read!.Versions.Select(v => v.Version));
            Assert.Equal($"# Version {saved}", read.Current.Markdown);
        }
    }

    [SkippableTheory]
    [InlineData("# Same")]
    [InlineData("")]
    [InlineData("Zahlung gestört 🚒\n\n- [ ] fix\r\n")]
    public async Task SavingTheCurrentTextAgainSavesNothingAndReturnsTheReviewAsItIs(string markdown)
    {
        await using var store = await OpenAsync();
        var number = await StoredIncidents.AddAsync(store);
        var rcas = store.Get<IRcaStore>();
        await rcas.SaveRcaVersionAsync(number, "# Generated", "incidentbot", Start, 0, Budget);
        await rcas.SaveRcaVersionAsync(number, markdown, "alice", Start.AddMinutes(1), 1, Budget);

        var again = await rcas.SaveRcaVersionAsync(number, markdown, "bob", Start.AddMinutes(2), 2, Budget);

        Assert.NotNull(again);
        Assert.Equal(2, again.Current.Version);
        Assert.Equal("alice", again.Current.Author);
        var read = (await rcas.FindRcaAsync(number))!;
        Assert.Equal(["1 incidentbot 10:00:00 # Generated", $"2 alice 10:01:00 {markdown}"], read.Versions.Select(Shown));
    }

    /// <summary>The case of <c>InputSizeLimitTests</c>, on the store: 9,000-byte edits within a 40,000-byte budget.</summary>
    [SkippableFact]
    public async Task OldVersionsAreDroppedToStayWithinTheBudgetKeepingTheFirstAndTheCurrent()
    {
        await using var store = await OpenAsync();
        var number = await StoredIncidents.AddAsync(store);
        var rcas = store.Get<IRcaStore>();
        await rcas.SaveRcaVersionAsync(number, "# Generated", "incidentbot", Start, 0, 40_000);

        for (var version = 1; version <= 12; version++)
        {
            Assert.NotNull(await rcas.SaveRcaVersionAsync(number, $"# Edit {version}\n" + new string('e', 9_000), "alice", Start.AddMinutes(version), version, 40_000));
        }

        await store.ReopenAsync();
        var document = (await store.Get<IRcaStore>().FindRcaAsync(number))!;
        Assert.Equal([1, 10, 11, 12, 13], document.Versions.Select(v => v.Version));
        Assert.Equal("# Generated", document.Versions[0].Markdown);
        Assert.True(document.Versions.Sum(v => Encoding.UTF8.GetByteCount(v.Markdown)) <= 40_000);
    }

    /// <summary>
    /// Many random histories (sizes, multi-byte text, budgets, repeated texts): after every save the store keeps exactly
    /// the versions <see cref="RcaDocument.DropOldVersions"/> keeps on a document held in memory.
    /// </summary>
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task TheHistoryKeptIsExactlyWhatDropOldVersionsKeeps(int seed)
    {
        await using var store = await OpenAsync();
        var random = new Random(seed);
        var pieces = new[] { "a", "é", "日", "🚒", "\n", " " };
        for (var review = 0; review < 4; review++)
        {
            var number = await StoredIncidents.AddAsync(store);
            var rcas = store.Get<IRcaStore>();
            var budget = random.Next(2_048, 20_000);
            var model = new RcaDocument { IncidentNumber = number };
            for (var save = 0; save < 15; save++)
            {
                var repeat = save > 0 && random.Next(5) == 0;
                var text = repeat ? model.Current.Markdown : string.Concat(Enumerable.Range(0, random.Next(0, 3_000)).Select(_ => pieces[random.Next(pieces.Length)]));
                var expected = model.Versions.Count == 0 ? 0 : model.Current.Version;
                var saved = await rcas.SaveRcaVersionAsync(number, text, $"user{save}", Start.AddMinutes(save), expected, budget);
                if (!repeat)
                {
                    model.Versions.Add(new RcaVersion { Version = expected + 1, Markdown = text, Author = $"user{save}", SavedAt = Start.AddMinutes(save) });
                    model.DropOldVersions(budget);
                }

                Assert.NotNull(saved);
                Assert.Equal(model.Versions.Select(Shown), saved.Versions.Select(Shown));
                Assert.Equal(model.Versions.Select(Shown), (await rcas.FindRcaAsync(number))!.Versions.Select(Shown));
            }
        }
    }

    /// <summary>
    /// People saving on top of the same version at the same moment, the very first save included: in every round exactly
    /// one of them succeeds, and the review then holds that one's text as the next version.
    /// </summary>
    [SkippableTheory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public async Task OfManySaversOnOneVersionExactlyOneWins(int savers)
    {
        await using var store = await OpenAsync();
        var number = await StoredIncidents.AddAsync(store);
        var rcas = store.Get<IRcaStore>();
        for (var round = 0; round < 8; round++)
        {
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var saving = Enumerable.Range(0, savers).Select(s => Task.Run(async () =>
            {
                await go.Task;
                return (Saver: s, Saved: await rcas.SaveRcaVersionAsync(number, $"# Round {round} by saver {s}", $"saver{s}", Start.AddMinutes(round), round, Budget));
            })).ToList();
            go.SetResult();
            var results = await Task.WhenAll(saving);

            var winner = Assert.Single(results, r => r.Saved is not null);
            Assert.Equal(round + 1, winner.Saved!.Current.Version);
            var read = (await rcas.FindRcaAsync(number))!;
            Assert.Equal(Enumerable.Range(1, round + 1), read.Versions.Select(v => v.Version));
            Assert.Equal($"# Round {round} by saver {winner.Saver}", read.Current.Markdown);
            Assert.Equal($"saver{winner.Saver}", read.Current.Author);
        }
    }

    [SkippableFact]
    public async Task CompletingAReviewKeepsAVersionSavedAfterItWasRead()
    {
        await using var store = await OpenAsync();
        var number = await StoredIncidents.AddAsync(store);
        var rcas = store.Get<IRcaStore>();
        for (var version = 1; version <= 3; version++)
        {
            await rcas.SaveRcaVersionAsync(number, $"# Version {version}", "alice", Start.AddMinutes(version), version - 1, Budget);
        }
        // `rca complete` reads the review, then (elsewhere: another replica, another browser) version 4 is saved.
        var read = (await rcas.FindRcaAsync(number))!;
        await rcas.SaveRcaVersionAsync(number, "# Version 4", "bob", Start.AddMinutes(4), read.Current.Version, Budget);

        var completed = await rcas.CompleteRcaAsync(number, "alice", Start.AddDays(1));
        await store.ReopenAsync();
        var stored = (await store.Get<IRcaStore>().FindRcaAsync(number))!;

        Assert.Equal(Start.AddDays(1), completed?.CompletedAt);
        Assert.Equal(Start.AddDays(1), stored.CompletedAt);
        Assert.Equal("alice", stored.CompletedBy);
        Assert.Equal(["1 alice 10:01:00 # Version 1", "2 alice 10:02:00 # Version 2", "3 alice 10:03:00 # Version 3", "4 bob 10:04:00 # Version 4"], stored.Versions.Select(Shown));
        var next = await store.Get<IRcaStore>().SaveRcaVersionAsync(number, "# Version 5", "bob", Start.AddDays(2), 4, Budget);
        Assert.Equal(5, next?.Current.Version);
        Assert.Equal(Start.AddDays(1), next?.CompletedAt);
    }

    [SkippableFact]
    public async Task CompletingWithoutAReviewChangesNothing()
    {
        await using var store = await OpenAsync();
        var number = await StoredIncidents.AddAsync(store);
        var rcas = store.Get<IRcaStore>();

        Assert.Null(await rcas.CompleteRcaAsync(number, "alice", Start));
        Assert.Null(await rcas.FindRcaAsync(number));
    }

    [SkippableFact]
    public async Task EveryReviewIsListedByIncidentNumber()
    {
        await using var store = await OpenAsync();
        var numbers = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            numbers.Add(await StoredIncidents.AddAsync(store, $"Incident {i}"));
        }
        var rcas = store.Get<IRcaStore>();
        foreach (var number in Enumerable.Reverse(numbers).Where(n => n != numbers[1]))
        {
            await rcas.SaveRcaVersionAsync(number, $"# Review of {number}", "incidentbot", Start, 0, Budget);
            await rcas.SaveRcaVersionAsync(number, $"# Review of {number}, edited", "alice", Start.AddMinutes(1), 1, Budget);
        }

        var all = await rcas.RcasAsync();

        Assert.Equal(numbers.Where(n => n != numbers[1]), all.Select(r => r.IncidentNumber));
        Assert.All(all, r => Assert.Equal([$"# Review of {r.IncidentNumber}", $"# Review of {r.IncidentNumber}, edited"], r.Versions.Select(v => v.Markdown)));
    }

    private static string Shown(RcaVersion v) => $"{v.Version} {v.Author} {v.SavedAt.UtcDateTime:HH:mm:ss} {v.Markdown}";
}

public sealed class RcaStoreOnLiteDb : RcaStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.LiteDbAsync();
}

[Collection(PostgresServer.Collection)]
public sealed class RcaStoreOnPostgres(PostgresServer server) : RcaStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.PostgresAsync(server);

    /// <summary>The bot writes reviews only for incidents it stored; PostgreSQL's foreign key refuses any other, cleanly.</summary>
    [SkippableFact]
    public async Task AReviewOfAnIncidentThatWasNeverStoredIsRefusedAndLeavesNothing()
    {
        await using var store = await OpenAsync();
        var rcas = store.Get<IRcaStore>();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => rcas.SaveRcaVersionAsync(4242, "# Review", "alice", DateTimeOffset.UtcNow, 0, 1_000_000).AsTask());

        Assert.Equal("There is no incident INC-4242 to write a review for.", refused.Message);
        Assert.Null(await rcas.FindRcaAsync(4242));
        Assert.Empty(await rcas.RcasAsync());
    }
}
