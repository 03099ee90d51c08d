using System.Text.RegularExpressions;
using IncidentBot.Incidents;
using IncidentBot.Slack;
using IncidentBot.Storage;
using IncidentBot.Teams;
using IncidentBot.Tests.Infrastructure;
using Npgsql;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>
/// The adapters' references, on every provider: typed records kept per platform, kind and key, durable once saved,
/// replaced by a save, added once by TryAdd however many try at once, and read back exactly as written.
/// </summary>
public abstract class PlatformReferenceStoreContract
{
    internal sealed record Channel(string Id, string Name);

    internal sealed record Note(string Text, int? Count = null, IReadOnlyList<string>? Tags = null, Severity? Severity = null);

    private static readonly PlatformReference<Channel> SlackChannel = new("slack", "channel");
    private static readonly PlatformReference<Channel> TeamsChannel = new("teams", "channel");
    private static readonly PlatformReference<Note> SlackNote = new("slack", "note");

    protected abstract Task<StoreUnderTest> OpenAsync();

    /// <summary>A stored incident, for references that belong to one.</summary>
    protected abstract Task<int> StoreIncidentAsync(StoreUnderTest store);

    [SkippableFact]
    public async Task ASavedRecordIsFoundAfterARestartAndAnUnknownKeyIsNot()
    {
        await using var store = await OpenAsync();
        var incident = await StoreIncidentAsync(store);
        var references = store.Get<IPlatformReferenceStore>();

        await references.SaveAsync(SlackChannel, "42", new Channel("C123", "inc-42-db-down"), incident);
        await store.ReopenAsync();
        references = store.Get<IPlatformReferenceStore>();

        Assert.Equal(new Channel("C123", "inc-42-db-down"), await references.FindAsync(SlackChannel, "42"));
        Assert.Null(await references.FindAsync(SlackChannel, "43"));
        Assert.Null(await references.FindAsync(SlackChannel, ""));
    }

    [SkippableFact]
    public async Task SavingAgainReplacesTheRecord()
    {
        await using var store = await OpenAsync();
        var first = await StoreIncidentAsync(store);
        var second = await StoreIncidentAsync(store);
        var references = store.Get<IPlatformReferenceStore>();

        await references.SaveAsync(SlackNote, "C1", new Note("sev2 · triggered", 1, ["a"]), first);
        await references.SaveAsync(SlackNote, "C1", new Note("sev1 · acknowledged"), second);
        await references.SaveAsync(SlackNote, "C1", new Note("sev1 · mitigated", 3), incidentNumber: null);
        await store.ReopenAsync();

        var found = await store.Get<IPlatformReferenceStore>().FindAsync(SlackNote, "C1");
        Assert.NotNull(found);
        Assert.Equal("sev1 · mitigated", found.Text);
        Assert.Equal(3, found.Count);
        Assert.Null(found.Tags);
    }

    [SkippableFact]
    public async Task EachPlatformAndKindHasKeysOfItsOwn()
    {
        await using var store = await OpenAsync();
        var incident = await StoreIncidentAsync(store);
        var references = store.Get<IPlatformReferenceStore>();
        var slackAnnounced = new PlatformReference<Channel>("slack", "announced");

        await references.SaveAsync(SlackChannel, "7", new Channel("C7", "slack"), incident);
        await references.SaveAsync(TeamsChannel, "7", new Channel("19:7@thread.tacv2", "teams"), incident);
        Assert.True(await references.TryAddAsync(slackAnnounced, "7", new Channel("C7", "announced"), incident));

        Assert.Equal("slack", (await references.FindAsync(SlackChannel, "7"))?.Name);
        Assert.Equal("teams", (await references.FindAsync(TeamsChannel, "7"))?.Name);
        Assert.Equal("announced", (await references.FindAsync(slackAnnounced, "7"))?.Name);
        // A kind that was never written has nothing, even under a key other kinds use.
        Assert.Null(await references.FindAsync(new PlatformReference<Channel>("teams", "announced"), "7"));
    }

    [SkippableFact]
    public async Task TryAddAddsOnceAndLeavesTheFirstValue()
    {
        await using var store = await OpenAsync();
        var incident = await StoreIncidentAsync(store);
        var references = store.Get<IPlatformReferenceStore>();

        Assert.True(await references.TryAddAsync(SlackChannel, "1", new Channel("C1", "first"), incident));
        Assert.False(await references.TryAddAsync(SlackChannel, "1", new Channel("C2", "second"), incident));
        await store.ReopenAsync();
        references = store.Get<IPlatformReferenceStore>();
        Assert.False(await references.TryAddAsync(SlackChannel, "1", new Channel("C3", "third"), null));
        Assert.Equal(new Channel("C1", "first"), await references.FindAsync(SlackChannel, "1"));

        // A saved key exists too.
        await references.SaveAsync(SlackChannel, "2", new Channel("C4", "saved"), incident);
        Assert.False(await references.TryAddAsync(SlackChannel, "2", new Channel("C5", "added"), incident));
        Assert.Equal("saved", (await references.FindAsync(SlackChannel, "2"))?.Name);
    }

    [SkippableFact]
    public async Task OfTwentyCallersAddingTheSameKeyAtOnceExactlyOneAddsAndItsValueStays()
    {
        await using var store = await OpenAsync();
        var incident = await StoreIncidentAsync(store);
        var references = store.Get<IPlatformReferenceStore>();
        for (var round = 0; round < 10; round++)
        {
            using var start = new Barrier(20);

            var added = await Task.WhenAll(Enumerable.Range(0, 20).Select(caller => Task.Run(async () =>
            {
                start.SignalAndWait();
                return (caller, await references.TryAddAsync(SlackChannel, $"round-{round}", new Channel($"C{caller}", "bookmarked"), incident));
            })));

            var winner = Assert.Single(added, a => a.Item2);
            Assert.Equal($"C{winner.caller}", (await references.FindAsync(SlackChannel, $"round-{round}"))?.Id);
        }
    }

    [SkippableFact]
    public async Task TwentyCallersSavingAtOnceLeaveOneWholeRecord()
    {
        await using var store = await OpenAsync();
        var references = store.Get<IPlatformReferenceStore>();
        using var start = new Barrier(20);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(caller => Task.Run(async () =>
        {
            start.SignalAndWait();
            await references.SaveAsync(SlackChannel, "C1", new Channel($"C{caller}", $"name-{caller}"), incidentNumber: null);
        })));

        var found = await references.FindAsync(SlackChannel, "C1");
        Assert.NotNull(found);
        Assert.Equal(found.Id, $"C{found.Name["name-".Length..]}");
    }

    public static TheoryData<string> Texts => new()
    {
        "",
        " ",
        "plain",
        "sev1 · triggered · IC: @alice · DB down",
        "caf\u00e9 / cafe\u0301 / \u6c34 / \u0645\u0631\u062d\u0628\u0627 / \u05e9\u05dc\u05d5\u05dd",
        "\ud83d\udd25\ud83d\udea8 emoji \ud83d\udc68\u200d\ud83d\udcbb and a flag \ud83c\uddfa\ud83c\udde6",
        "quotes \" ' ` and backslashes \\ \\\\ \\u0000 \\n",
        "{\"looks\":\"like json\",\"n\":[1,2]}",
        "<!channel> <@U123> <#C1|general> &amp; <b>bold</b> <script>alert(1)</script>",
        "tabs\tnew\nlines\r\nand \u0001 \u001f \u007f controls",
        "\u2028 line separator \u2029 paragraph separator \ufeff BOM \u200b zero width",
        "'; DROP TABLE platform_references; --",
        "$1 $2 $$ dollar $tag$ quoted $tag$",
        "@ 0 1e400 true null NaN",
        new string('x', 100_000),
        string.Concat(Enumerable.Repeat("\u6c34\ud83d\udd25", 20_000)),
    };

    [SkippableTheory]
    [MemberData(nameof(Texts))]
    public async Task ValuesComeBackExactlyAsWritten(string text)
    {
        await using var store = await OpenAsync();
        var references = store.Get<IPlatformReferenceStore>();
        var note = new Note(text, int.MaxValue, [text, "", text.Length > 10 ? text[..10] : text], Severity.Sev1);

        await references.SaveAsync(SlackNote, "k", note, incidentNumber: null);
        Assert.True(await references.TryAddAsync(SlackNote, "added", note, incidentNumber: null));
        await store.ReopenAsync();
        references = store.Get<IPlatformReferenceStore>();

        foreach (var key in new[] { "k", "added" })
        {
            var found = await references.FindAsync(SlackNote, key);
            Assert.NotNull(found);
            Assert.Equal(text, found.Text);
            Assert.Equal(int.MaxValue, found.Count);
            Assert.Equal(note.Tags, found.Tags);
            Assert.Equal(Severity.Sev1, found.Severity);
        }
    }

    // Written escaped and unescaped in the test: xUnit would turn an unpaired surrogate in test data into U+FFFD.
    public static TheoryData<string, string> UnstorableTexts => new()
    {
        { @"nul \u0000 inside", "nul \ufffd inside" },
        { @"\u0000", "\ufffd" },
        { @"lone high \ud800 surrogate", "lone high \ufffd surrogate" },
        { @"lone low \udc00 surrogate", "lone low \ufffd surrogate" },
        { @"reversed pair \udd25\ud83d", "reversed pair \ufffd\ufffd" },
        { @"ends high \ud83d", "ends high \ufffd" },
        { @"a real pair \ud83d\udd25 stays", "a real pair \ud83d\udd25 stays" },
    };

    [SkippableTheory]
    [MemberData(nameof(UnstorableTexts))]
    public async Task TextNoStoreCanKeepComesBackAsTheReplacementCharacterOnEveryStore(string escaped, string stored)
    {
        await using var store = await OpenAsync();
        var references = store.Get<IPlatformReferenceStore>();
        var text = Regex.Unescape(escaped);

        await references.SaveAsync(SlackNote, "k", new Note(text, Tags: [text]), incidentNumber: null);
        await store.ReopenAsync();

        var found = await store.Get<IPlatformReferenceStore>().FindAsync(SlackNote, "k");
        Assert.Equal(stored, found?.Text);
        Assert.Equal(new[] { stored }, found?.Tags);
    }

    public static TheoryData<string> Keys => new()
    {
        "",
        "42",
        "C0123ABCD",
        "19:2f1c7e0f-0b5e-4b5c-9a3e-123456789abc@thread.tacv2;messageid=1700000000000",
        "C1:INC-42/runbook/db-failover/638700000000000000",
        "with spaces and 'quotes' and \"double\" and \\ backslash",
        "%_ like wildcards *",
        "caf\u00e9",
        "\ud83d\udd25",
        new string('k', PlatformReference.MaxKeyLength),
        new string('\u6c34', PlatformReference.MaxKeyLength),
        string.Concat(Enumerable.Repeat("\ud83d\udd25", PlatformReference.MaxKeyLength / 2)),
    };

    [SkippableTheory]
    [MemberData(nameof(Keys))]
    public async Task AnyStorableKeyIsKeptApartFromItsNeighbours(string key)
    {
        await using var store = await OpenAsync();
        var references = store.Get<IPlatformReferenceStore>();
        var neighbours = new[] { key + "x", key.ToUpperInvariant() == key ? key.ToLowerInvariant() : key.ToUpperInvariant(), "%", "" }
            .Where(n => n != key && PlatformReference.IsStorableKey(n)).Distinct().ToList();

        await references.SaveAsync(SlackChannel, key, new Channel("C-key", key), incidentNumber: null);
        foreach (var neighbour in neighbours)
        {
            Assert.Null(await references.FindAsync(SlackChannel, neighbour));
            Assert.True(await references.TryAddAsync(SlackChannel, neighbour, new Channel("C-neighbour", neighbour), incidentNumber: null));
        }
        await store.ReopenAsync();
        references = store.Get<IPlatformReferenceStore>();

        Assert.Equal(new Channel("C-key", key), await references.FindAsync(SlackChannel, key));
        foreach (var neighbour in neighbours)
        {
            Assert.Equal(new Channel("C-neighbour", neighbour), await references.FindAsync(SlackChannel, neighbour));
        }
    }

    // Escaped, as above.
    public static TheoryData<string> UnstorableKeys => new()
    {
        new string('k', PlatformReference.MaxKeyLength + 1),
        new string('\u6c34', PlatformReference.MaxKeyLength + 1),
        @"C1\u0000",
        @"\ud800",
        @"x\udc00",
        @"\udd25\ud83d",
    };

    [SkippableTheory]
    [MemberData(nameof(UnstorableKeys))]
    public async Task AKeyNoStoreCanKeepIsRefusedOnWriteAndFindsNothing(string escaped)
    {
        await using var store = await OpenAsync();
        var references = store.Get<IPlatformReferenceStore>();
        var key = Regex.Unescape(escaped);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => references.SaveAsync(SlackChannel, key, new Channel("C1", "n"), null).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => references.TryAddAsync(SlackChannel, key, new Channel("C1", "n"), null).AsTask());

        Assert.Null(await references.FindAsync(SlackChannel, key));
        Assert.False(PlatformReference.IsStorableKey(key));
    }

    [SkippableFact]
    public async Task TheAdaptersRecordsRoundTrip()
    {
        await using var store = await OpenAsync();
        var incident = await StoreIncidentAsync(store);
        var references = store.Get<IPlatformReferenceStore>();
        var key = incident.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await references.SaveAsync(SlackReferences.Channel, key, new SlackIncidentChannel("C1", "inc-1-db"), incident);
        await references.SaveAsync(SlackReferences.IncidentOfChannel, "C1", new SlackChannelIncident(incident), incident);
        await references.SaveAsync(SlackReferences.UpdateMessage, SlackReferences.UpdateMessageKey("C1", "INC-1/runbook/r/1"), new SlackMessageRef("1700000000.000100"), incident);
        await references.SaveAsync(TeamsReferences.Tenant, TeamsReferences.Installation, new TeamsTenant("72f988bf-86f1-41af-91ab-2d7cd011db47"), null);
        await references.SaveAsync(TeamsReferences.Channel, key, new TeamsIncidentChannel("19:abc@thread.tacv2", "INC-1 db"), incident);
        await store.ReopenAsync();
        references = store.Get<IPlatformReferenceStore>();

        Assert.Equal(new SlackIncidentChannel("C1", "inc-1-db"), await references.FindAsync(SlackReferences.Channel, key));
        Assert.Equal(new SlackChannelIncident(incident), await references.FindAsync(SlackReferences.IncidentOfChannel, "C1"));
        Assert.Equal(new SlackMessageRef("1700000000.000100"), await references.FindAsync(SlackReferences.UpdateMessage, "C1:INC-1/runbook/r/1"));
        Assert.Equal(new TeamsTenant("72f988bf-86f1-41af-91ab-2d7cd011db47"), await references.FindAsync(TeamsReferences.Tenant, ""));
        Assert.Equal(new TeamsIncidentChannel("19:abc@thread.tacv2", "INC-1 db"), await references.FindAsync(TeamsReferences.Channel, key));
        Assert.Null(await references.FindAsync(TeamsReferences.Thread, key));
    }
}

public sealed class PlatformReferenceStoreOnLiteDb : PlatformReferenceStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.LiteDbAsync();

    protected override async Task<int> StoreIncidentAsync(StoreUnderTest store)
    {
        var incidents = store.Get<IIncidentStore>();
        var number = await incidents.NextNumberAsync();
        var changes = new IncidentChanges();
        changes.Incidents[number] = new Incident { Number = number, Title = "t", CreatedAt = DateTimeOffset.UtcNow };
        changes.NewIncidents.Add(number);
        await incidents.CommitAsync(changes);
        return number;
    }
}

[Collection(PostgresServer.Collection)]
public sealed class PlatformReferenceStoreOnPostgres(PostgresServer server) : PlatformReferenceStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.PostgresAsync(server);

    // Straight into the table until the PostgreSQL incident store exists; the foreign key only needs the row.
    protected override async Task<int> StoreIncidentAsync(StoreUnderTest store)
    {
        await using var insert = store.Get<NpgsqlDataSource>().CreateCommand(
            "INSERT INTO incidents (title, severity, status, created_at) VALUES ('t', 2, 'triggered', now()) RETURNING number");
        return (int)(await insert.ExecuteScalarAsync())!;
    }

    [SkippableFact]
    public async Task AnIncidentsReferencesGoWithItAndNoOtherDoes()
    {
        await using var store = await OpenAsync();
        var gone = await StoreIncidentAsync(store);
        var kept = await StoreIncidentAsync(store);
        var references = store.Get<IPlatformReferenceStore>();
        var channel = new PlatformReference<Channel>("slack", "channel");
        await references.SaveAsync(channel, "gone", new Channel("C1", "a"), gone);
        Assert.True(await references.TryAddAsync(channel, "gone-added", new Channel("C2", "b"), gone));
        await references.SaveAsync(channel, "kept", new Channel("C3", "c"), kept);
        await references.SaveAsync(channel, "workspace", new Channel("C4", "d"), incidentNumber: null);
        // Saved again without an incident: it no longer belongs to the one deleted.
        await references.SaveAsync(channel, "moved", new Channel("C5", "e"), gone);
        await references.SaveAsync(channel, "moved", new Channel("C5", "e"), kept);

        await using (var delete = store.Get<NpgsqlDataSource>().CreateCommand($"DELETE FROM incidents WHERE number = {gone}"))
        {
            await delete.ExecuteNonQueryAsync();
        }

        Assert.Null(await references.FindAsync(channel, "gone"));
        Assert.Null(await references.FindAsync(channel, "gone-added"));
        Assert.NotNull(await references.FindAsync(channel, "kept"));
        Assert.NotNull(await references.FindAsync(channel, "workspace"));
        Assert.NotNull(await references.FindAsync(channel, "moved"));
    }
}
