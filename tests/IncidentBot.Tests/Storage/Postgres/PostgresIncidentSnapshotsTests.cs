using IncidentBot.Incidents;
using IncidentBot.OnCall;
using IncidentBot.Runbooks.Sessions;
using IncidentBot.Storage;
using IncidentBot.Storage.Postgres;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Storage.Contract;
using static IncidentBot.Tests.Storage.Contract.StoreData;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>
/// The batch read of open incidents, and the read of one incident, answer from the copy of what this process
/// committed when the stored version is the copy's (<c>PostgresIncidentSnapshots</c>): that copy must be exactly what
/// reading the row gives, and never be used once anyone else has committed the incident.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresIncidentSnapshotsTests(PostgresServer server)
{
    private static readonly DateTimeOffset Odd = new DateTimeOffset(2026, 11, 26, 5, 14, 15, TimeSpan.FromHours(2)).AddTicks(1_234_567);

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task AnIncidentReadFromTheCopyOfItsCommitIsTheIncidentItsRowGives(int shape)
    {
        await using var stores = await TwoStoresAsync();
        var (writer, reader) = (stores.First, stores.Second);
        var incidents = writer.Get<IIncidentStore>();

        var numbers = await incidents.NextNumbersAsync(3);
        var opened = numbers.Select((n, i) => Shaped(Incident(n, $"group-{i}"), shape + i)).ToArray();
        await incidents.OpenAsync(opened);
        await AssertSameAsTheRowsAsync(incidents, reader.Get<IIncidentStore>(), opened);

        // Changed again: the copy follows the version, and the caller's objects are not the copy.
        foreach (var incident in opened)
        {
            Shaped(incident, shape + 7);
            incident.Title = "renamed ✓ \"quoted\"";
            await incidents.UpdateAsync(incident);
            incident.Title = "changed after the commit, never stored";
        }
        await AssertSameAsTheRowsAsync(incidents, reader.Get<IIncidentStore>(), opened);
        var copy = (await incidents.FindOpenByGroupKeysAsync(["group-0"]))[0];
        copy.Title = "changed on a copy";
        copy.Roles["commander"] = "changed on a copy";
        copy.RunbookSessions.Clear();
        await AssertSameAsTheRowsAsync(incidents, reader.Get<IIncidentStore>(), opened);
        Assert.Equal("renamed ✓ \"quoted\"", (await incidents.FindOpenByGroupKeysAsync(["group-0"]))[0].Title);
    }

    [SkippableFact]
    public async Task ByNumberTheCopyIsUsedOnlyWhileTheStoredVersionIsItsOwn()
    {
        await using var stores = await TwoStoresAsync();
        var (mine, other, incident) = await stores.OpenedByTheFirstAsync("checkout");

        // A row changed by hand, its version left alone, is not seen: this is what shows the copy is used.
        await Sql.ExecuteAsync(stores.Database, $"UPDATE incidents SET title = 'by hand' WHERE number = {incident.Number}");
        Assert.Equal(incident.Title, (await mine.FindAsync(incident.Number))!.Title);
        Assert.Equal("by hand", (await other.FindAsync(incident.Number))!.Title);

        // Another replica's commit raises the version, and its state is what this one reads from then on.
        var theirs = (await other.FindAsync(incident.Number))!;
        theirs.Title = "theirs";
        theirs.Roles["commander"] = "bob";
        theirs.Channels.Add(new ChannelBinding("teams", "19:abc@thread.tacv2", "inc-theirs"));
        await other.UpdateAsync(theirs);
        var read = (await mine.FindAsync(incident.Number))!;
        Assert.Equal(("theirs", theirs.Version, "bob", 1), (read.Title, read.Version, read.Roles["commander"], read.Channels.Count));

        // Resolved elsewhere: read as resolved, however recent the copy.
        read.Title = "mine again";
        await mine.UpdateAsync(read);
        var resolved = (await other.FindAsync(incident.Number))!;
        resolved.Status = IncidentStatus.Resolved;
        await other.UpdateAsync(resolved);
        var afterResolve = (await mine.FindAsync(incident.Number))!;
        Assert.Equal((IncidentStatus.Resolved, "mine again"), (afterResolve.Status, afterResolve.Title));

        // And one this replica resolved is not kept either.
        var next = (await mine.OpenNewAsync(1, n => Incident(n, "payments")))[0];
        next.Status = IncidentStatus.Resolved;
        await mine.UpdateAsync(next);
        Assert.Empty(await mine.FindOpenByGroupKeysAsync(["payments"]));
        Assert.Equal(IncidentStatus.Resolved, (await mine.FindAsync(next.Number))!.Status);
        Assert.Null(await mine.FindAsync(next.Number + 1000));
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ByGroupKeyTheCopyIsAnsweredWithoutAskingAndACommitOnAStaleOneIsRefusedThenReadAfresh(bool changeIt)
    {
        await using var stores = await TwoStoresAsync();
        var (mine, other, incident) = await stores.OpenedByTheFirstAsync("checkout");

        // Without asking: even a change with its version raised is not seen by the read itself.
        var theirs = (await other.FindOpenByGroupKeysAsync(["checkout"])).Single();
        theirs.Status = IncidentStatus.Resolved;
        theirs.Title = "resolved by another replica";
        await other.UpdateAsync(theirs);
        var stale = (await mine.FindOpenByGroupKeysAsync(["checkout"])).Single();
        Assert.Equal((incident.Title, IncidentStatus.Triggered, incident.Version), (stale.Title, stale.Status, stale.Version));

        // A commit that relies on it, changing it or not, is refused whole: the note below is not stored.
        var changes = new IncidentChanges();
        changes.Timeline.Add(new TimelineEntry { IncidentNumber = stale.Number, At = DateTimeOffset.UtcNow, Actor = "alice", Kind = "note", Text = "decided on a stale copy" });
        if (changeIt)
        {
            stale.Title = "changed on a stale copy";
            changes.Incidents[stale.Number] = stale;
        }
        else
        {
            changes.Unchanged[stale.Number] = stale.Version;
        }
        var conflict = await Assert.ThrowsAsync<IncidentConflictException>(async () => await mine.CommitAsync(changes));
        Assert.Equal(stale.Number, conflict.IncidentNumber);
        Assert.DoesNotContain(await mine.TimelineOfAsync(stale.Number), t => t.Text == "decided on a stale copy");
        Assert.Equal("resolved by another replica", (await other.FindAsync(stale.Number))!.Title);

        // The stale copy is let go: the group is read afresh, and has no open incident now.
        Assert.Empty(await mine.FindOpenByGroupKeysAsync(["checkout"]));
        var reopened = (await other.OpenNewAsync(1, n => Incident(n, "checkout")))[0];
        Assert.Equal(reopened.Number, (await mine.FindOpenByGroupKeysAsync(["checkout"])).Single().Number);
    }

    [SkippableFact]
    public async Task AnAlertAnotherReplicaStoredIsNotLookedForYetIsNeverStoredTwice()
    {
        await using var stores = await TwoStoresAsync();
        var (mine, other, incident) = await stores.OpenedByTheFirstAsync("checkout");
        await mine.CommitAsync(Attaching(incident, "first"));
        var second = IncidentAlert.IdFor(incident.Number, "alertmanager", "second");

        // This store opened the incident and wrote every version of it: an alert it did not store is not looked for.
        Assert.Equal(["first"], (await mine.FindAlertsAsync([IncidentAlert.IdFor(incident.Number, "alertmanager", "first"), second])).Select(a => a.Fingerprint));

        // Another replica attaches "second". This store's copy does not know it, and (without asking) says it is absent.
        await other.CommitAsync(Attaching((await other.FindAsync(incident.Number))!, "second"));
        Assert.Empty(await mine.FindAlertsAsync([second]));
        Assert.Single(await other.FindAlertsAsync([second]));

        // Attaching it on that word is refused whole: the alert is not stored twice, the note not at all.
        var stale = (await mine.FindOpenByGroupKeysAsync(["checkout"])).Single();
        var changes = Attaching(stale, "second");
        changes.Timeline.Add(new TimelineEntry { IncidentNumber = stale.Number, At = DateTimeOffset.UtcNow, Actor = "alertmanager", Kind = "note", Text = "attached on a stale copy" });
        var conflict = await Assert.ThrowsAsync<IncidentConflictException>(async () => await mine.CommitAsync(changes));
        Assert.Equal(stale.Number, conflict.IncidentNumber);
        Assert.Equal(["first", "second"], (await other.AlertsOfAsync(incident.Number)).Select(a => a.Fingerprint).Order());
        Assert.Equal(2, (await other.FindAsync(incident.Number))!.AlertCount);
        Assert.DoesNotContain(await other.TimelineOfAsync(incident.Number), t => t.Text == "attached on a stale copy");

        // The copy is let go: the alert is looked for, and found.
        Assert.Single(await mine.FindAlertsAsync([second]));
    }

    /// <summary>What an operation attaching a new alert to the incident commits: the alert, and the incident changed.</summary>
    private static IncidentChanges Attaching(Incident incident, string fingerprint)
    {
        var alert = Alert(incident.Number, fingerprint);
        incident.AlertCount++;
        incident.FiringAlertCount++;
        var changes = new IncidentChanges();
        changes.Incidents[incident.Number] = incident;
        changes.Alerts[alert.Id] = alert;
        changes.NewAlerts.Add(alert.Id);
        return changes;
    }

    /// <summary>Two stores on one new database, as two replicas are.</summary>
    private async Task<TwoStores> TwoStoresAsync()
    {
        var database = await server.CreateDatabaseAsync();
        PostgresMigrations.Apply(database, TimeSpan.FromSeconds(60));
        return new TwoStores(database, StoreUnderTest.Postgres(database), StoreUnderTest.Postgres(database));
    }

    private sealed record TwoStores(string Database, StoreUnderTest First, StoreUnderTest Second) : IAsyncDisposable
    {
        /// <summary>Each store's incidents, and an incident of the group the first store opened (so holds a copy of).</summary>
        public async Task<(IIncidentStore Mine, IIncidentStore Other, Incident Opened)> OpenedByTheFirstAsync(string groupKey)
        {
            var mine = First.Get<IIncidentStore>();
            return (mine, Second.Get<IIncidentStore>(), (await mine.OpenNewAsync(1, n => Incident(n, groupKey)))[0]);
        }

        public async ValueTask DisposeAsync()
        {
            await First.DisposeAsync();
            await Second.DisposeAsync();
        }
    }

    /// <summary>The writer's answer (from its copies) and a fresh reader's (from the rows) serialise the same.</summary>
    private static async Task AssertSameAsTheRowsAsync(IIncidentStore writer, IIncidentStore reader, Incident[] incidents)
    {
        var keys = incidents.Select(i => i.GroupKey!).ToList();
        var fromCopies = (await writer.FindOpenByGroupKeysAsync(keys)).OrderBy(i => i.Number).Select(PostgresJson.Write).ToList();
        var fromRows = (await reader.FindOpenByGroupKeysAsync(keys)).OrderBy(i => i.Number).Select(PostgresJson.Write).ToList();
        Assert.Equal(incidents.Length, fromRows.Count);
        Assert.Equal(fromRows, fromCopies);
        foreach (var incident in incidents)
        {
            Assert.Equal(PostgresJson.Write(await reader.FindAsync(incident.Number)), PostgresJson.Write(await writer.FindAsync(incident.Number)));
        }
    }

    /// <summary>Everything a row keeps, in one of several shapes: times finer than microseconds and not in UTC, parts out of order, nulls.</summary>
    private static Incident Shaped(Incident incident, int shape)
    {
        var at = Odd.AddMinutes(shape).AddTicks(shape);
        incident.Severity = (Severity)(shape % 4 + 1);
        incident.Status = shape % 3 == 0 ? IncidentStatus.Triggered : shape % 3 == 1 ? IncidentStatus.Acknowledged : IncidentStatus.Mitigated;
        incident.IsDrill = shape % 2 == 1;
        incident.Service = shape % 2 == 0 ? "checkout-api" : null;
        incident.CreatedAt = at;
        incident.AcknowledgedAt = shape % 3 == 0 ? null : at.AddSeconds(1.2345678);
        incident.MitigatedAt = shape % 3 == 2 ? at.AddTicks(5) : null;
        incident.LastUpdateAt = at.AddMinutes(2).AddTicks(9);
        incident.LastReminderAt = shape % 2 == 0 ? at.AddMinutes(3) : null;
        incident.ReminderDueAt = at.AddMinutes(30).AddTicks(3);
        incident.AlertCount = 5 + shape;
        incident.FiringAlertCount = 3;
        incident.ResolutionSummary = shape % 2 == 0 ? null : "Rolled back the deploy — «fine»";
        incident.Participants = shape % 2 == 0 ? ["zed", "ann", "zed"] : [];
        incident.Roles = shape % 2 == 0 ? new() { ["scribe"] = "zed", ["commander"] = "ann", ["comms"] = "Ünal", ["Zeta"] = "x" } : [];
        incident.Channels = shape % 4 == 3 ? [] :
        [
            new("teams", "19:zz@thread.tacv2", "inc-b"),
            new("slack", "C0B", "inc-b"),
            new("slack", "C0A", "inc-a"),
            new("slack", "c0a", "lower"),
            new("slack", "C0B", "inc-b again"),
            new("console", "incident-" + incident.Number, "INC"),
        ];
        incident.RunbookSessions = shape % 2 == 1 ? [] :
        [
            new RunbookSession
            {
                RunbookId = "db-failover",
                Title = "Fail over",
                Version = "v3",
                StartedAt = at.AddTicks(7),
                StartedBy = "ann",
                CurrentIndex = 1,
                Steps = [new() { Title = "Promote", State = StepState.Done, By = "ann", StartedAt = at.AddTicks(1), CompletedAt = at.AddSeconds(3).AddTicks(1), Notes = ["done <b>fast</b>"] }, new() { Title = "Check" }],
            },
            new RunbookSession { RunbookId = "comms", Title = "Tell people", Version = "v1", StartedAt = at, StartedBy = "bob", CurrentIndex = 0, CompletedAt = at.AddHours(1).AddTicks(3), Steps = [new() { Title = "Post", State = StepState.Skipped }] },
        ];
        incident.OnCall = shape % 2 == 1 ? null : new OnCallAsk
        {
            Component = "checkout-api",
            Handle = "ann",
            Level = 1,
            AskedAt = at.AddTicks(3),
            Asked = ["ann"],
            People = [new() { Handle = "ann", Email = "ann@example.com", Level = 1 }],
        };
        return incident;
    }
}

/// <summary>What the copies hold, without a database: only open incidents, only at the version committed, within a budget.</summary>
public sealed class PostgresIncidentSnapshotsBudgetTests
{
    [Fact]
    public void ACopyIsOnlyOfTheVersionCommittedAndAClosedIncidentIsLetGo()
    {
        var copies = new PostgresIncidentSnapshots();
        var incident = Incident(7, "checkout");
        incident.Version = 3;
        copies.Committed(Changed(incident));
        incident.Title = "changed after the commit";

        Assert.Equal(("Incident 7", 3), (copies.CopyOf(7, 3)?.Title, copies.CopyOf(7, 3)!.Version));
        Assert.Null(copies.CopyOf(7, 2));
        Assert.Null(copies.CopyOf(7, 4));
        Assert.NotSame(copies.CopyOf(7, 3), copies.CopyOf(7, 3));

        incident.Version = 4;
        incident.Status = IncidentStatus.Resolved;
        copies.Committed(Changed(incident));
        Assert.False(copies.Holds(7));
        Assert.Null(copies.CopyOf(7, 4));
    }

    [Theory]
    [InlineData("7/alertmanager/3f2a", 7)]
    [InlineData("123456/generic/a/b/c", 123456)]
    [InlineData("7/", 7)]
    [InlineData("/alertmanager/3f2a", null)]
    [InlineData("-7/alertmanager/3f2a", null)]
    [InlineData("+7/alertmanager/3f2a", null)]
    [InlineData(" 7/alertmanager/3f2a", null)]
    [InlineData("99999999999/alertmanager/3f2a", null)]
    [InlineData("seven/alertmanager/3f2a", null)]
    [InlineData("7", null)]
    [InlineData("", null)]
    public void AnAlertIdNamesItsIncidentOnlyWhenIdForCouldHaveMadeIt(string id, int? number) =>
        Assert.Equal(number, IncidentAlert.IncidentNumberOf(id));

    /// <summary>A commit that changed the incident and nothing else.</summary>
    private static IncidentChanges Changed(Incident incident)
    {
        var changes = new IncidentChanges();
        changes.Incidents[incident.Number] = incident;
        return changes;
    }

    [Fact]
    public void AnIncidentsAlertsAreKnownOnlyWhileThisProcessWroteEveryVersionSinceOpeningIt()
    {
        var copies = new PostgresIncidentSnapshots();
        static string Id(int number, string fingerprint) => IncidentAlert.IdFor(number, "alertmanager", fingerprint);
        static IncidentChanges Commit(Incident incident, int version, bool opened, params string[] fingerprints)
        {
            incident.Version = version;
            var changes = new IncidentChanges();
            changes.Incidents[incident.Number] = incident;
            if (opened)
            {
                changes.NewIncidents.Add(incident.Number);
            }
            foreach (var alert in fingerprints.Select(f => Alert(incident.Number, f)))
            {
                changes.Alerts[alert.Id] = alert;
                changes.NewAlerts.Add(alert.Id);
            }
            return changes;
        }

        // Opened here with its first alert, then one more: each stored alert is known, any other is known absent.
        var checkout = Incident(7, "checkout");
        copies.Committed(Commit(checkout, 1, opened: true, "a"));
        copies.Committed(Commit(checkout, 2, opened: false, "b"));
        Assert.Equal([false, false, true], new[] { "a", "b", "c" }.Select(f => copies.KnownAbsent(7, Id(7, f))));
        // An alert changed, not new: the known alerts stay.
        var changed = Commit(checkout, 3, opened: false);
        var a = Alert(7, "a");
        changed.Alerts[a.Id] = a;
        copies.Committed(changed);
        Assert.Equal([false, false, true], new[] { "a", "b", "c" }.Select(f => copies.KnownAbsent(7, Id(7, f))));

        // A commit over a version another writer made (5 over 4, while this one wrote 3): the copy is kept, its alerts are not known.
        copies.Committed(Commit(checkout, 5, opened: false, "c"));
        Assert.NotNull(copies.CopyOf(7, 5));
        Assert.False(copies.KnownAbsent(7, Id(7, "d")));

        // Not opened here: never known. Ids that are not an alert's, or of an incident not held: never known absent.
        copies.Committed(Commit(Incident(8, "payments"), 4, opened: false, "x"));
        Assert.False(copies.KnownAbsent(8, Id(8, "y")));
        Assert.False(copies.KnownAbsent(99, Id(99, "y")));

        // A whole read at another version lets the copy go; at its own version it keeps it.
        var orders = Incident(9, "orders");
        copies.Committed(Commit(orders, 1, opened: true, "p"));
        copies.Seen([Incident(9, "orders")]);
        Assert.False(copies.Holds(9));
        copies.Committed(Commit(orders, 1, opened: true, "p"));
        var read = Incident(9, "orders");
        read.Version = 1;
        copies.Seen([read]);
        Assert.True(copies.KnownAbsent(9, Id(9, "q")));
        read.Version = 2;
        copies.Seen([read]);
        Assert.Equal((false, false), (copies.Holds(9), copies.KnownAbsent(9, Id(9, "q"))));

        // Resolved: let go with its alerts.
        orders.Status = IncidentStatus.Resolved;
        copies.Committed(Commit(orders, 2, opened: true, "p"));
        Assert.False(copies.KnownAbsent(9, Id(9, "q")));
    }

    [Fact]
    public void TheIdsOfAnIncidentsAlertsCountInTheBudget()
    {
        var copies = new PostgresIncidentSnapshots();
        var incident = Incident(7, "checkout");
        incident.Version = 1;
        var changes = new IncidentChanges();
        changes.Incidents[7] = incident;
        changes.NewIncidents.Add(7);
        copies.Committed(changes);
        var withoutAlerts = copies.Bytes;
        foreach (var alert in Enumerable.Range(0, 1_000).Select(i => Alert(7, $"f{i}")))
        {
            changes.Alerts[alert.Id] = alert;
            changes.NewAlerts.Add(alert.Id);
        }
        copies.Committed(changes);
        Assert.InRange(copies.Bytes - withoutAlerts, 8_000, 64_000);
    }

    [Theory]
    [InlineData(10, 1_000)]
    [InlineData(200, 5_000)]
    [InlineData(50, 1)]
    public void CopiesStartOverWhenTheirBudgetIsSpent(int incidents, long budget)
    {
        var copies = new PostgresIncidentSnapshots(budgetBytes: budget);
        long largest = 0;
        for (var n = 1000; n < 1000 + incidents; n++)
        {
            var incident = Incident(n, $"group-{n}");
            incident.Version = 1;
            var before = copies.Bytes;
            copies.Committed(Changed(incident));
            largest = Math.Max(largest, copies.Bytes - before);
            // The newest is always held, and the copies never hold more than the budget and one copy.
            Assert.NotNull(copies.CopyOf(n, 1));
            Assert.InRange(copies.Bytes, 1, budget + largest);
        }
        Assert.False(copies.Holds(1000));
    }
}
