using System.Text.Json.Nodes;
using IncidentBot.Alerts;
using IncidentBot.Chat.Outbox;
using IncidentBot.Incidents;
using IncidentBot.Runbooks.Sessions;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using static IncidentBot.Tests.Storage.Contract.StoreData;

namespace IncidentBot.Tests.Storage.Contract;

/// <summary>What <see cref="IIncidentStore"/> promises, on every provider: whole commits, versions, numbers, one open incident per group.</summary>
public abstract class IncidentStoreContract
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task AnIncidentWithItsAlertsTimelineAndRunbookSessionSurvivesAReopenExactly()
    {
        await using var store = await OpenAsync();
        var number = await store.Get<IIncidentStore>().NextNumberAsync();
        var changes = new IncidentChanges();
        var incident = new Incident
        {
            Number = number,
            Title = "Orders DB down",
            Severity = Severity.Sev1,
            Status = IncidentStatus.Mitigated,
            IsDrill = true,
            Service = "orders",
            GroupKey = "alertmanager:{}:{alertname=\"OrdersDown\"}",
            CreatedAt = At,
            AcknowledgedAt = At.AddMinutes(1),
            MitigatedAt = At.AddMinutes(2),
            LastUpdateAt = At.AddMinutes(3),
            LastReminderAt = At.AddMinutes(4),
            AlertCount = 2,
            FiringAlertCount = 1,
            ResolutionSummary = "failed over",
            Roles = { ["commander"] = "alice", ["scribe"] = "bob" },
            Channels = { new ChannelBinding("slack", "C1", "#inc-orders-db-down"), new ChannelBinding("teams", "19:abc@thread.tacv2", "INC orders") },
            Participants = ["alice", "bob"],
            RunbookSessions =
            {
                new RunbookSession
                {
                    RunbookId = "db-failover", Title = "Failover", Version = "sha-1", StartedAt = At, StartedBy = "alice", CurrentIndex = 1,
                    Steps = [new RunbookStepRecord { Title = "Check replication", State = StepState.Done, By = "alice", StartedAt = At, CompletedAt = At.AddMinutes(1), Notes = ["lag 0"] },
                             new RunbookStepRecord { Title = "Promote replica" }],
                },
            },
        };
        changes.Incidents[number] = incident;
        changes.NewIncidents.Add(number);
        var alert = Alert(number, "fp");
        alert.Labels = new() { ["app.kubernetes.io/name"] = "orders", ["$weird key"] = "v", ["empty"] = "", ["dotted.key"] = "x" };
        alert.Links = [new AlertLink("Dashboard", "https://grafana.example/d/1")];
        alert.Annotations = new() { ["summary"] = "Orders DB down", ["runbook_url"] = "https://wiki.example/db", ["description"] = "line 1\nline \"2\" <b>" };
        alert.StartsAt = At.AddSeconds(-30);
        alert.Description = "it is down";
        changes.Alerts[alert.Id] = alert;
        changes.NewAlerts.Add(alert.Id);
        changes.Timeline.Add(new TimelineEntry { IncidentNumber = number, At = At, Actor = "alertmanager", Kind = TimelineKinds.Opened, Text = "Opened" });
        changes.Timeline.Add(new TimelineEntry { IncidentNumber = number, At = At, Actor = "alice", Kind = TimelineKinds.Note, Text = "second" });
        changes.RunbookVersions["sha-1"] = new RunbookVersionRecord { Version = "sha-1", RunbookId = "db-failover", File = "db-failover.md", Markdown = "# Failover\n1. Check" };
        await store.Get<IIncidentStore>().CommitAsync(changes);

        await store.ReopenAsync();
        var incidents = store.Get<IIncidentStore>();
        var back = (await incidents.FindAsync(number))!;
        Assert.Equal(1, back.Version);
        Assert.Equal((incident.Title, incident.Severity, incident.Status, incident.IsDrill, incident.Service, incident.GroupKey), (back.Title, back.Severity, back.Status, back.IsDrill, back.Service, back.GroupKey));
        Assert.Equal([At, At.AddMinutes(1), At.AddMinutes(2), At.AddMinutes(3), At.AddMinutes(4)], [back.CreatedAt, back.AcknowledgedAt!.Value, back.MitigatedAt!.Value, back.LastUpdateAt!.Value, back.LastReminderAt!.Value]);
        Assert.Equal(TimeSpan.Zero, back.CreatedAt.Offset);
        Assert.Null(back.ResolvedAt);
        Assert.Equal((2, 1, "failed over"), (back.AlertCount, back.FiringAlertCount, back.ResolutionSummary));
        Assert.Equal(incident.Roles.OrderBy(r => r.Key), back.Roles.OrderBy(r => r.Key));
        Assert.Equal(incident.Channels.OrderBy(c => c.Platform), back.Channels.OrderBy(c => c.Platform));
        Assert.Equal(["alice", "bob"], back.Participants);
        var session = Assert.Single(back.RunbookSessions);
        Assert.Equal(("db-failover", "Failover", "sha-1", At, "alice", 1), (session.RunbookId, session.Title, session.Version, session.StartedAt, session.StartedBy, session.CurrentIndex));
        Assert.Equal(["Check replication", "Promote replica"], session.Steps.Select(s => s.Title));
        Assert.Equal((StepState.Done, "alice", At.AddMinutes(1), "lag 0"), (session.Steps[0].State, session.Steps[0].By, session.Steps[0].CompletedAt, Assert.Single(session.Steps[0].Notes)));
        Assert.Equal(number, (await incidents.FindOpenByGroupKeyAsync(incident.GroupKey!))!.Number);

        var alertBack = Assert.Single(await incidents.AlertsOfAsync(number));
        Assert.Equal(alert.Labels.OrderBy(l => l.Key), alertBack.Labels.OrderBy(l => l.Key));
        Assert.Equal(alert.Links, alertBack.Links);
        Assert.Equal(alert.Annotations.OrderBy(a => a.Key), alertBack.Annotations.OrderBy(a => a.Key));
        Assert.Equal((alert.Id, alert.Source, alert.Fingerprint, alert.Status, "critical", alert.Title, "it is down", At.AddSeconds(-30), (DateTimeOffset?)null, At),
            (alertBack.Id, alertBack.Source, alertBack.Fingerprint, alertBack.Status, alertBack.Severity, alertBack.Title, alertBack.Description, alertBack.StartsAt!.Value, alertBack.EndsAt, alertBack.FirstSeenAt));
        Assert.Equal("", alertBack.Raw);
        var timeline = await incidents.TimelineOfAsync(number);
        Assert.Equal(["Opened", "second"], timeline.Select(t => t.Text));
        Assert.Equal(changes.Timeline.Select(t => t.Id), timeline.Select(t => t.Id));
        var runbook = (await store.Get<IRunbookVersionStore>().FindRunbookVersionAsync("sha-1"))!;
        Assert.Equal(("db-failover", "db-failover.md", "# Failover\n1. Check"), (runbook.RunbookId, runbook.File, runbook.Markdown));
        Assert.Null(await store.Get<IRunbookVersionStore>().FindRunbookVersionAsync("sha-2"));
        Assert.Null(await incidents.FindAsync(number + 1));
    }

    [SkippableFact]
    public async Task ACommitIsRefusedWholeWhenAnIncidentItDecidedOnWithoutChangingHasMovedOn()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var opened = await incidents.OpenNewAsync(2);
        var (read, other) = (opened[0], opened[1]);
        var readAt = (await incidents.FindAsync(read.Number))!.Version;
        IncidentChanges Deciding(int version, string text)
        {
            var changes = new IncidentChanges();
            changes.Unchanged[read.Number] = version;
            changes.Timeline.Add(new TimelineEntry { IncidentNumber = other.Number, At = At, Actor = "alice", Kind = "note", Text = text });
            return changes;
        }

        // As read: the commit goes through.
        await incidents.CommitAsync(Deciding(readAt, "decided on what is stored"));
        // Moved on since (another writer's commit): refused, with or without anything else to write, and nothing stored.
        var moved = (await incidents.FindAsync(read.Number))!;
        moved.Title = "moved on";
        await incidents.UpdateAsync(moved);
        var refused = await Assert.ThrowsAsync<IncidentConflictException>(() => incidents.CommitAsync(Deciding(readAt, "decided on a stale read")).AsTask());
        Assert.Equal(read.Number, refused.IncidentNumber);
        var onlyTheCheck = new IncidentChanges();
        onlyTheCheck.Unchanged[read.Number] = readAt;
        await Assert.ThrowsAsync<IncidentConflictException>(() => incidents.CommitAsync(onlyTheCheck).AsTask());
        // An incident that does not exist is not as read either.
        await Assert.ThrowsAsync<IncidentConflictException>(() => CommitUnchangedAsync(incidents, read.Number + 1000, 1));

        Assert.Equal(["decided on what is stored"], (await incidents.TimelineOfAsync(other.Number)).Where(e => e.Kind == "note").Select(e => e.Text));
    }

    private static Task CommitUnchangedAsync(IIncidentStore incidents, int number, int version)
    {
        var changes = new IncidentChanges();
        changes.Unchanged[number] = version;
        return incidents.CommitAsync(changes).AsTask();
    }

    [SkippableFact]
    public async Task TheOnCallAskSurvivesAReopenAndAStaleCopyCannotOverwriteIt()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var incident = (await incidents.OpenNewAsync(1))[0];
        Assert.Null((await incidents.FindAsync(incident.Number))!.OnCall);
        incident.Roles["commander"] = "ann";
        incident.OnCall = new IncidentBot.OnCall.OnCallAsk
        {
            Component = "checkout-api",
            Handle = "ann",
            Email = "ann@example.com",
            Level = 1,
            AskedAt = At,
            Asked = ["ann"],
            People = [new() { Handle = "ann", Email = "ann@example.com", Level = 1 }, new() { Handle = "otto", Level = 1 }, new() { Handle = "zed", Email = "zed@example.com", Level = 2 }],
        };
        await incidents.UpdateAsync(incident);
        var stale = (await incidents.FindAsync(incident.Number))!;

        var read = (await incidents.FindAsync(incident.Number))!;
        read.OnCall!.AcceptedAt = At.AddMinutes(2);
        await incidents.UpdateAsync(read);
        // A second replica that read the ask before it was accepted cannot escalate over the acceptance.
        stale.OnCall!.Handle = "zed";
        var changes = new IncidentChanges();
        changes.Incidents[stale.Number] = stale;
        await Assert.ThrowsAsync<IncidentConflictException>(() => incidents.CommitAsync(changes).AsTask());

        await store.ReopenAsync();
        var back = (await store.Get<IIncidentStore>().FindAsync(incident.Number))!.OnCall!;
        Assert.Equal(("checkout-api", "ann", "ann@example.com", 1, At, (DateTimeOffset?)At.AddMinutes(2), false), (back.Component, back.Handle, back.Email, back.Level, back.AskedAt, back.AcceptedAt, back.Exhausted));
        Assert.Equal(["ann"], back.Asked);
        Assert.Equal(new (string, string?, int)[] { ("ann", "ann@example.com", 1), ("otto", null, 1), ("zed", "zed@example.com", 2) }, back.People.Select(p => (p.Handle, p.Email, p.Level)));
    }

    [SkippableFact]
    public async Task TheStoreFindsTheOnCallAsksThatWaitForAnAnswer()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var opened = await incidents.OpenNewAsync(7);
        IncidentBot.OnCall.OnCallAsk Ask(string? handle) => new() { Component = "checkout-api", Handle = handle, Level = 1, AskedAt = At, Asked = handle is null ? [] : [handle] };
        // 1: no ask; 2: waiting; 3: accepted; 4: exhausted; 5: nobody found; 6: waiting but resolved; 7: waiting.
        var asks = new IncidentBot.OnCall.OnCallAsk?[] { null, Ask("ann"), Ask("ann"), Ask("zed"), Ask(null), Ask("otto"), Ask("bea") };
        asks[2]!.AcceptedAt = At.AddMinutes(1);
        asks[3]!.Exhausted = true;
        for (var i = 0; i < opened.Count; i++)
        {
            opened[i].OnCall = asks[i];
            opened[i].Status = i == 5 ? IncidentStatus.Resolved : IncidentStatus.Triggered;
            await incidents.UpdateAsync(opened[i]);
        }
        var numbers = opened.Select(i => i.Number).ToArray();

        var waiting = await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.Open, int.MaxValue) { OnCallWaiting = true });
        var notWaiting = await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.All, int.MaxValue) { OnCallWaiting = false });

        Assert.Equal([numbers[6], numbers[1]], waiting.Select(i => i.Number));
        Assert.Equal("bea", waiting[0].OnCall!.Handle);
        // The filter is about the ask; 6's still waits, though the incident is resolved (the status filter is apart).
        Assert.Equal([numbers[4], numbers[3], numbers[2], numbers[0]], notWaiting.Select(i => i.Number));
        Assert.All(await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.All, int.MaxValue)), i =>
            Assert.Equal(IncidentQuery.IsOnCallWaiting(i) && i.Status.IsOpen(), waiting.Any(w => w.Number == i.Number)));
    }

    [SkippableFact]
    public async Task TheStoreFindsTheRemindersThatAreDueAndKeepsTheirTimeExactly()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var opened = await incidents.OpenNewAsync(5);
        // 1: none; 2: due a minute ago; 3: due now, to the tick; 4: due in a minute; 5: due, but resolved.
        var due = new DateTimeOffset?[] { null, At.AddMinutes(-1), At, At.AddMinutes(1).AddTicks(10), At.AddMinutes(-5) };
        for (var i = 0; i < opened.Count; i++)
        {
            opened[i].ReminderDueAt = due[i];
            opened[i].Status = i == 4 ? IncidentStatus.Resolved : IncidentStatus.Triggered;
            await incidents.UpdateAsync(opened[i]);
        }

        var found = await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.Open, int.MaxValue) { ReminderDueBy = At });

        Assert.Equal([opened[2].Number, opened[1].Number], found.Select(i => i.Number));
        await store.ReopenAsync();
        Assert.Equal(At.AddMinutes(1).AddTicks(10), (await store.Get<IIncidentStore>().FindAsync(opened[3].Number))!.ReminderDueAt);
        Assert.Null((await store.Get<IIncidentStore>().FindAsync(opened[0].Number))!.ReminderDueAt);
    }

    [SkippableFact]
    public async Task EveryCommitRaisesTheVersionByOneAndReplacesRolesChannelsAndSessions()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var incident = (await incidents.OpenNewAsync(1))[0];
        Assert.Equal(1, incident.Version);

        incident.Roles["commander"] = "alice";
        incident.Channels.Add(new ChannelBinding("slack", "C1", "#inc"));
        incident.RunbookSessions.Add(new RunbookSession { RunbookId = "r", Title = "R", Version = "v", StartedAt = At, StartedBy = "alice", Steps = [new RunbookStepRecord { Title = "one" }] });
        await incidents.UpdateAsync(incident);
        Assert.Equal(2, incident.Version);

        var read = (await incidents.FindAsync(incident.Number))!;
        Assert.Equal(2, read.Version);
        read.Roles.Remove("commander");
        read.Roles["scribe"] = "bob";
        read.Channels.Clear();
        read.RunbookSessions.Clear();
        read.Status = IncidentStatus.Acknowledged;
        await incidents.UpdateAsync(read);
        Assert.Equal(3, read.Version);

        var back = (await incidents.FindAsync(incident.Number))!;
        Assert.Equal((3, IncidentStatus.Acknowledged), (back.Version, back.Status));
        Assert.Equal("bob", Assert.Single(back.Roles).Value);
        Assert.Empty(back.Channels);
        Assert.Empty(back.RunbookSessions);
    }

    [SkippableFact]
    public async Task ACommitOfAStaleCopyIsRefusedAndLeavesNothingHalfWritten()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var inbox = store.Get<IAlertInboxStore>();
        var opened = await incidents.OpenNewAsync(2);
        var (fresh, other) = (opened[0], (await incidents.FindAsync(opened[1].Number))!);
        var stale = (await incidents.FindAsync(fresh.Number))!;
        fresh.Title = "renamed by the first writer";
        await incidents.UpdateAsync(fresh);
        await inbox.AppendAsync([Entry("consumed")]);
        var entry = Assert.Single(await inbox.ClaimAsync("me", 10, At, TimeSpan.FromMinutes(1)));

        // The stale copy's commit also touches another incident, alerts, the timeline, the outbox and the inbox.
        var changes = new IncidentChanges();
        stale.Title = "overwritten";
        stale.Roles["commander"] = "mallory";
        changes.Incidents[stale.Number] = stale;
        other.Title = "changed with it";
        changes.Incidents[other.Number] = other;
        var alert = Alert(other.Number, "half");
        changes.Alerts[alert.Id] = alert;
        changes.NewAlerts.Add(alert.Id);
        changes.Timeline.Add(new TimelineEntry { IncidentNumber = other.Number, At = At, Actor = "mallory", Kind = TimelineKinds.Note, Text = "lost?" });
        changes.Outbox.Add(Item(other.Number, At));
        changes.ConsumedInboxEntries.Add(entry.Id);
        var conflict = await Assert.ThrowsAsync<IncidentConflictException>(() => incidents.CommitAsync(changes).AsTask());

        Assert.Equal(stale.Number, conflict.IncidentNumber);
        Assert.Equal((1, 1), (stale.Version, other.Version)); // the caller's copies are not moved on
        Assert.Equal(("renamed by the first writer", 2), ((await incidents.FindAsync(stale.Number))!.Title, (await incidents.FindAsync(stale.Number))!.Version));
        Assert.Empty((await incidents.FindAsync(stale.Number))!.Roles);
        Assert.Equal(("Incident " + other.Number, 1), ((await incidents.FindAsync(other.Number))!.Title, (await incidents.FindAsync(other.Number))!.Version));
        Assert.Empty(await incidents.AlertsOfAsync(other.Number));
        Assert.Empty(await incidents.TimelineOfAsync(other.Number));
        Assert.Equal(0, await store.Get<IOutboxStore>().PendingCountAsync());
        Assert.Equal(1, await inbox.PendingCountAsync());
    }

    [SkippableFact]
    public async Task ACommitWhoseLastWriteFailsLeavesNothingOfItsEarlierOnes()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var incident = (await incidents.OpenNewAsync(1))[0];
        var stored = Alert(incident.Number, "already");
        var first = new IncidentChanges();
        first.Alerts[stored.Id] = stored;
        first.NewAlerts.Add(stored.Id);
        await incidents.CommitAsync(first);

        // The incident, a timeline entry and an outbox message are written before the alerts; the alert said to be new
        // is stored already (another writer got there first), so the commit fails after them.
        var changed = (await incidents.FindAsync(incident.Number))!;
        changed.Title = "renamed";
        var changes = new IncidentChanges();
        changes.Incidents[changed.Number] = changed;
        var again = Alert(incident.Number, "already");
        changes.Alerts[again.Id] = again;
        changes.NewAlerts.Add(again.Id);
        changes.Timeline.Add(new TimelineEntry { IncidentNumber = incident.Number, At = At, Actor = "x", Kind = TimelineKinds.Note, Text = "half?" });
        changes.Outbox.Add(Item(incident.Number, At));
        // PostgreSQL calls it a conflict (the operation runs again and finds the alert); LiteDB, with one writer, a failure.
        await Assert.ThrowsAnyAsync<Exception>(() => incidents.CommitAsync(changes).AsTask());

        var back = (await incidents.FindAsync(incident.Number))!;
        Assert.Equal(("Incident " + incident.Number, changed.Version), (back.Title, back.Version));
        Assert.Empty(await incidents.TimelineOfAsync(incident.Number));
        Assert.Equal(0, await store.Get<IOutboxStore>().PendingCountAsync());
        Assert.Single(await incidents.AlertsOfAsync(incident.Number));
    }

    [SkippableFact]
    public async Task AnIncidentOpenedWithANumberAlreadyStoredIsRefused()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var first = (await incidents.OpenNewAsync(1))[0];

        var conflict = await Assert.ThrowsAsync<IncidentConflictException>(() => incidents.OpenAsync(Incident(first.Number)));

        Assert.Equal(first.Number, conflict.IncidentNumber);
        Assert.Equal("Incident " + first.Number, (await incidents.FindAsync(first.Number))!.Title);
        Assert.Equal(1, (await incidents.FindAsync(first.Number))!.Version);
    }

    [SkippableFact]
    public async Task OnlyOneIncidentOfAnAlertGroupIsOpenAtATimeAndTheOpenOneFollowsEveryCommit()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        const string Key = "alertmanager:{}:{alertname=\"HighCPU\"}";
        Assert.Null(await incidents.FindOpenByGroupKeyAsync(Key)); // asked before any incident exists
        var first = (await incidents.OpenNewAsync(1, n => Incident(n, Key)))[0];
        Assert.Equal(first.Number, (await incidents.FindOpenByGroupKeyAsync(Key))?.Number);

        var second = Incident(await incidents.NextNumberAsync(), Key, IncidentStatus.Acknowledged);
        var changes = new IncidentChanges();
        changes.Incidents[second.Number] = second;
        changes.NewIncidents.Add(second.Number);
        changes.Timeline.Add(new TimelineEntry { IncidentNumber = second.Number, At = At, Actor = "x", Kind = TimelineKinds.Opened, Text = "split" });
        var conflict = await Assert.ThrowsAsync<IncidentConflictException>(() => incidents.CommitAsync(changes).AsTask());
        Assert.Equal(second.Number, conflict.IncidentNumber);
        Assert.Null(await incidents.FindAsync(second.Number));
        Assert.Empty(await incidents.TimelineOfAsync(second.Number));

        // A closed incident of the group does not count, and keys differing only in case are different groups.
        var resolved = (await incidents.FindAsync(first.Number))!;
        resolved.Status = IncidentStatus.Resolved;
        await incidents.UpdateAsync(resolved);
        Assert.Null(await incidents.FindOpenByGroupKeyAsync(Key));
        var third = (await incidents.OpenNewAsync(1, n => Incident(n, Key, IncidentStatus.Acknowledged)))[0];
        var lower = (await incidents.OpenNewAsync(1, n => Incident(n, Key.ToLowerInvariant())))[0];
        Assert.Equal(third.Number, (await incidents.FindOpenByGroupKeyAsync(Key))?.Number);
        Assert.Equal(lower.Number, (await incidents.FindOpenByGroupKeyAsync(Key.ToLowerInvariant()))?.Number);
        Assert.Null(await incidents.FindOpenByGroupKeyAsync("another key"));
        // Declared incidents have no group: any number of them are open together.
        await incidents.OpenNewAsync(3);
    }

    [SkippableFact]
    public async Task NumbersTakenTogetherAreNewDistinctAndSkipNumbersAlreadyTaken()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var first = await incidents.NextNumberAsync();
        await incidents.OpenAsync(Incident(first + 1), Incident(first + 3)); // stored with their numbers given, as storage copy does

        var taken = await incidents.NextNumbersAsync(6);
        var later = await incidents.NextNumberAsync();

        Assert.Equal(6, taken.Count);
        Assert.Equal(taken.Count, taken.Distinct().Count());
        Assert.Equal(taken.Order(), taken);
        Assert.All(taken, n => Assert.True(n > first && n != first + 1 && n != first + 3, $"{n} was handed out before or is taken"));
        Assert.True(later > taken[^1], $"{later} came after {taken[^1]}");
        Assert.Empty(await incidents.NextNumbersAsync(0));
    }

    [SkippableFact]
    public async Task TheOpenIncidentsOfManyGroupsAreReadAtOnceAndAgreeWithTheOneByOneRead()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        Assert.Empty(await incidents.FindOpenByGroupKeysAsync([]));
        Assert.Empty(await incidents.FindOpenByGroupKeysAsync(["never seen", "nor this"])); // asked before any incident exists

        var open = new List<Incident>();
        foreach (var (key, status) in new[] { ("triggered", IncidentStatus.Triggered), ("acknowledged", IncidentStatus.Acknowledged), ("mitigated", IncidentStatus.Mitigated) })
        {
            open.AddRange(await incidents.OpenNewAsync(1, n => Incident(n, $"group:{key}", status)));
        }
        var closed = (await incidents.OpenNewAsync(1, n => Incident(n, "group:closed", IncidentStatus.Closed)))[0];
        var resolving = (await incidents.OpenNewAsync(1, n => Incident(n, "group:resolving")))[0];
        var reopened = (await incidents.OpenNewAsync(1, n => Incident(n, "group:reopened")))[0];
        var caseDiffers = (await incidents.OpenNewAsync(1, n => Incident(n, "GROUP:TRIGGERED")))[0];
        await incidents.OpenNewAsync(2); // declared incidents have no group

        // Warm both stores' answers for these keys first, so a cache that missed the change would show.
        Assert.Equal(3, (await incidents.FindOpenByGroupKeysAsync(["group:resolving", "group:reopened", "group:closed", "group:triggered"])).Count);
        resolving.Status = IncidentStatus.Resolved;
        await incidents.UpdateAsync(resolving);
        reopened.Status = IncidentStatus.Resolved;
        await incidents.UpdateAsync(reopened);
        var successor = (await incidents.OpenNewAsync(1, n => Incident(n, "group:reopened", IncidentStatus.Acknowledged)))[0];

        string[] keys =
        [
            "group:triggered", "group:acknowledged", "group:mitigated", "group:closed", "group:resolving", "group:reopened",
            "group:triggered", "group:mitigated", "unknown", "", "group:Triggered", "GROUP:TRIGGERED", "unknown",
        ];
        var found = await incidents.FindOpenByGroupKeysAsync(keys);

        int[] expected = [.. open.Select(i => i.Number), successor.Number, caseDiffers.Number];
        Assert.Equal(expected.Order(), found.Select(i => i.Number).Order()); // each once, however often asked
        foreach (var incident in found)
        {
            var single = await incidents.FindOpenByGroupKeyAsync(incident.GroupKey!);
            Assert.Equal((single!.Number, single.Version, single.Status, single.Title), (incident.Number, incident.Version, incident.Status, incident.Title));
        }
        Assert.Equal((successor.Version, successor.Status), found.Single(i => i.Number == successor.Number) is var s ? (s.Version, s.Status) : default);
        Assert.DoesNotContain(found, i => i.Number == closed.Number || i.Number == resolving.Number || i.Number == reopened.Number);

        // Every key of a big batch in one call, most with no open incident.
        var many = Enumerable.Range(0, 500).Select(i => $"storm:{i}").Append("group:mitigated").ToList();
        Assert.Equal(open[2].Number, Assert.Single(await incidents.FindOpenByGroupKeysAsync(many)).Number);
    }

    [SkippableFact]
    public async Task ListingIsNewestFirstByStatusAndPagesBackWithoutGapsOrRepeats()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var opened = await incidents.OpenNewAsync(37, n => Incident(n, status: n % 3 == 0 ? IncidentStatus.Resolved : n % 5 == 0 ? IncidentStatus.Closed : IncidentStatus.Triggered));
        var numbers = opened.Select(i => i.Number).OrderDescending().ToList();

        foreach (var (filter, expected) in new[]
        {
            (IncidentStatusFilter.All, numbers),
            (IncidentStatusFilter.Open, opened.Where(i => i.Status.IsOpen()).Select(i => i.Number).OrderDescending().ToList()),
            (IncidentStatusFilter.Resolved, opened.Where(i => !i.Status.IsOpen()).Select(i => i.Number).OrderDescending().ToList()),
        })
        {
            List<int> paged = [];
            int? before = null;
            while (await incidents.ListAsync(new IncidentQuery(filter, Limit: 4, Before: before)) is { Count: > 0 } page)
            {
                Assert.True(page.Count <= 4);
                paged.AddRange(page.Select(i => i.Number));
                before = page[^1].Number;
            }
            Assert.Equal(expected, paged);
        }
        Assert.Equal(numbers.Take(5), (await incidents.ListAsync(new IncidentQuery(Limit: 5))).Select(i => i.Number));
        Assert.Empty(await incidents.ListAsync(new IncidentQuery(Limit: 0)));
        Assert.Equal(numbers.Where(n => n < numbers[10]), (await incidents.ListAsync(new IncidentQuery(Before: numbers[10]))).Select(i => i.Number));
        // Listed incidents carry their roles like found ones.
        var withRole = (await incidents.FindAsync(numbers[1]))!;
        withRole.Roles["commander"] = "alice";
        await incidents.UpdateAsync(withRole);
        Assert.Equal("alice", (await incidents.ListAsync(new IncidentQuery(Limit: 3)))[1].Roles["commander"]);
    }

    [SkippableFact]
    public async Task ListingFiltersBySeverityServiceDrillTitleAndGroupTheSameOnEveryStore()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        // Titles and services with what a careless query would read as wildcards, escapes or case folding.
        string[] titles = ["Checkout errors", "CHECKOUT latency", "Search 100% CPU", "search_slow", "Disk \\ full", "Straße blocked", "STRASSE", "Ünicode down", "ünicode up"];
        string?[] services = ["checkout", "Checkout", "search", null, "disk_io", "payments%"];
        // An empty store has no highest number: nothing to list, and no failure.
        Assert.Empty(await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.Resolved) { GroupKey = "group-1", AmongLatest = 1000 }));
        var opened = await incidents.OpenNewAsync(40, n => new Incident
        {
            Number = n,
            Title = titles[n % titles.Length],
            Severity = (Severity)(n % 4 + 1),
            Status = n % 3 == 0 ? IncidentStatus.Resolved : IncidentStatus.Triggered,
            IsDrill = n % 5 == 0,
            Service = services[n % services.Length],
            GroupKey = n % 3 == 0 ? $"group-{n % 4}" : $"open-{n}", // one open incident per group
            CreatedAt = At,
        });
        Assert.Equal(40, opened.Count);
        Severity?[] severities = [null, Severity.Sev1, Severity.Sev4];
        string?[] serviceFilters = [null, "checkout", "CHECKOUT", "disk_io", "disk%io", "payments%", "nothing"];
        bool?[] drills = [null, true, false];
        string?[] searches = [null, "checkout", "CHECK", "100%", "%", "_", "search_", "\\", "straße", "STRASSE", "ü", "Ü", "zzz"];
        string?[] groups = [null, "group-1", "open-4", "group-9"];
        var checkedQueries = 0;
        var combinations =
            from status in Enum.GetValues<IncidentStatusFilter>()
            from severity in severities
            from service in serviceFilters
            from drill in drills
            from search in searches
            select (status, severity, service, drill, search);
        foreach (var (status, severity, service, drill, search) in combinations)
        {
            var group = groups[checkedQueries % groups.Length];
            var query = new IncidentQuery(status, 100) { Severity = severity, Service = service, IsDrill = drill, TitleContains = search, GroupKey = group };
            var expected = opened.Where(query.Matches).Select(i => i.Number).OrderDescending().ToList();
            var listed = (await incidents.ListAsync(query)).Select(i => i.Number).ToList();
            Assert.True(expected.SequenceEqual(listed), $"{query}: expected [{string.Join(",", expected)}], listed [{string.Join(",", listed)}]");
            checkedQueries++;
        }
        // The meaning itself: case-insensitive for A-Z only, literal text, exact service.
        Assert.Equal(opened.Count(i => i.Title.Contains("checkout", StringComparison.OrdinalIgnoreCase)), (await incidents.ListAsync(new IncidentQuery { TitleContains = "cHeCkOuT" })).Count);
        Assert.Equal(opened.Count(i => i.Title == "Search 100% CPU"), (await incidents.ListAsync(new IncidentQuery { TitleContains = "100%" })).Count);
        Assert.Empty(await incidents.ListAsync(new IncidentQuery { TitleContains = "s%h" }));
        Assert.Equal(opened.Count(i => i.Title.StartsWith('Ü')), (await incidents.ListAsync(new IncidentQuery { TitleContains = "Ünicode" })).Count);
        Assert.Equal(opened.Count(i => i.Service is "checkout" or "Checkout"), (await incidents.ListAsync(new IncidentQuery { Service = "CheckOut" })).Count);
        Assert.Empty(await incidents.ListAsync(new IncidentQuery { Service = "check" }));
        // Among the latest: only incidents numbered within that many of the highest, with any other filter.
        var highest = opened.Max(i => i.Number);
        foreach (var latest in new[] { 1, 7, 40, 1000 })
        {
            foreach (var group in new[] { null, "group-1", "group-2" })
            {
                var query = new IncidentQuery(IncidentStatusFilter.Resolved, 3) { GroupKey = group, AmongLatest = latest };
                Assert.Equal(opened.Where(i => query.Matches(i) && i.Number > highest - latest).Select(i => i.Number).OrderDescending().Take(3),
                    (await incidents.ListAsync(query)).Select(i => i.Number));
            }
        }
        // Paging and the limit hold with filters.
        var drillsOnly = await incidents.ListAsync(new IncidentQuery(Limit: 3) { IsDrill = true });
        Assert.Equal(opened.Where(i => i.IsDrill).Select(i => i.Number).OrderDescending().Take(3), drillsOnly.Select(i => i.Number));
        Assert.Equal(opened.Where(i => i.IsDrill && i.Number < drillsOnly[^1].Number).Select(i => i.Number).OrderDescending(),
            (await incidents.ListAsync(new IncidentQuery(Before: drillsOnly[^1].Number) { IsDrill = true })).Select(i => i.Number));
    }

    [SkippableFact]
    public async Task NewAlertsAreInsertedAndKnownOnesUpdatedInPlace()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var incident = (await incidents.OpenNewAsync(1))[0];
        var alerts = Enumerable.Range(0, 300).Select(i => Alert(incident.Number, $"fp-{i:D3}", firstSeen: At.AddSeconds(300 - i))).ToList();
        var changes = new IncidentChanges();
        foreach (var alert in alerts)
        {
            changes.Alerts[alert.Id] = alert;
            changes.NewAlerts.Add(alert.Id);
        }
        await incidents.CommitAsync(changes);

        var resolved = (await incidents.FindAlertAsync(alerts[7].Id))!;
        resolved.Status = AlertStatus.Resolved;
        resolved.ResolvedAt = At.AddHours(1);
        resolved.Raw = """{"status":"resolved"}""";
        var update = new IncidentChanges();
        update.Alerts[resolved.Id] = resolved;
        await incidents.CommitAsync(update);

        var stored = await incidents.AlertsOfAsync(incident.Number);
        Assert.Equal(alerts.OrderBy(a => a.FirstSeenAt).Select(a => a.Id), stored.Select(a => a.Id));
        var back = (await incidents.FindAlertAsync(alerts[7].Id))!;
        Assert.Equal((AlertStatus.Resolved, At.AddHours(1)), (back.Status, back.ResolvedAt));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"status":"resolved"}"""), JsonNode.Parse(back.Raw)), back.Raw);
        Assert.Null(await incidents.FindAlertAsync(IncidentAlert.IdFor(incident.Number, "alertmanager", "FP-007"))); // ids compare exactly
        var found = await incidents.FindAlertsAsync([alerts[1].Id, alerts[299].Id, "nobody/alertmanager/x"]);
        Assert.Equal([alerts[1].Id, alerts[299].Id], found.Select(a => a.Id).Order());
        Assert.Empty(await incidents.FindAlertsAsync([]));

        // The header card shows the alert first seen (the last inserted here), whatever its status now.
        Assert.Equal(alerts[299].Id, (await incidents.FirstAlertOfAsync(incident.Number))!.Id);
        Assert.Null(await incidents.FirstAlertOfAsync((await incidents.OpenNewAsync(1))[0].Number));
    }

    [SkippableFact]
    public async Task IncidentsOpenedAndChangedInOneCommitEachReadBackAsWritten()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var kept = await incidents.OpenNewAsync(3);
        // Opened here: the last three, numbered but not stored yet.
        var numbers = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ => await incidents.NextNumberAsync()));
        string[][] participants = [[], ["ann"], ["bo, the \"lead\"", "ča", "d'Arcy"], ["x"], [], ["y", "z"]];
        var changes = new IncidentChanges();
        var all = kept.Concat(numbers.Select(n => Incident(n, $"group-{n}"))).ToList();
        for (var i = 0; i < all.Count; i++)
        {
            var incident = all[i];
            incident.Title = $"title {i} ✓ 'quoted'";
            incident.Severity = (Severity)(i % 4 + 1);
            incident.Status = i % 2 == 0 ? IncidentStatus.Acknowledged : IncidentStatus.Triggered;
            incident.IsDrill = i == 4;
            incident.Service = i == 1 ? null : $"svc-{i}";
            incident.AcknowledgedAt = i % 2 == 0 ? At.AddSeconds(i) : null;
            incident.LastUpdateAt = i == 3 ? null : At.AddMinutes(i);
            incident.AlertCount = i * 10;
            incident.FiringAlertCount = i;
            incident.ResolutionSummary = i == 5 ? "fixed; \"really\"" : null;
            incident.Participants = [.. participants[i]];
            incident.OnCall = i == 2 ? new IncidentBot.OnCall.OnCallAsk { Component = "checkout-api", Handle = "ann", Level = 2, AskedAt = At, Asked = ["ann"] } : null;
            incident.ReminderDueAt = i == 0 ? null : At.AddMinutes(30 + i);
            changes.Incidents[incident.Number] = incident;
            if (i >= 3)
            {
                changes.NewIncidents.Add(incident.Number);
            }
        }
        await incidents.CommitAsync(changes);

        foreach (var (incident, i) in all.Select((incident, i) => (incident, i)))
        {
            var back = (await incidents.FindAsync(incident.Number))!;
            Assert.Equal(i < 3 ? 2 : 1, back.Version);
            Assert.Equal(
                (incident.Title, incident.Severity, incident.Status, incident.IsDrill, incident.Service, incident.GroupKey, incident.CreatedAt, incident.AcknowledgedAt,
                    incident.LastUpdateAt, incident.AlertCount, incident.FiringAlertCount, incident.ResolutionSummary, incident.ReminderDueAt),
                (back.Title, back.Severity, back.Status, back.IsDrill, back.Service, back.GroupKey, back.CreatedAt, back.AcknowledgedAt,
                    back.LastUpdateAt, back.AlertCount, back.FiringAlertCount, back.ResolutionSummary, back.ReminderDueAt));
            Assert.Equal(participants[i], back.Participants);
            Assert.Equal(incident.OnCall?.Handle, back.OnCall?.Handle);
            Assert.Equal(incident.OnCall?.Level, back.OnCall?.Level);
        }
    }

    [SkippableFact]
    public async Task TheFirstAlertsOfSeveralIncidentsAreReadAtOnce()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var opened = await incidents.OpenNewAsync(4);
        var changes = new IncidentChanges();
        // Incident 0: alerts seen in reverse order of their fingerprints; 1: one alert; 2: two alerts seen at the same
        // moment (the smaller id is first); 3: none.
        IncidentAlert[] alerts =
        [
            .. Enumerable.Range(0, 20).Select(i => Alert(opened[0].Number, $"fp-{i:D2}", firstSeen: At.AddSeconds(20 - i))),
            Alert(opened[1].Number, "only", firstSeen: At),
            Alert(opened[2].Number, "tie-b", firstSeen: At),
            Alert(opened[2].Number, "tie-a", firstSeen: At),
        ];
        foreach (var alert in alerts)
        {
            changes.Alerts[alert.Id] = alert;
            changes.NewAlerts.Add(alert.Id);
        }
        await incidents.CommitAsync(changes);

        var first = await incidents.FirstAlertsOfAsync([opened[0].Number, opened[1].Number, opened[2].Number, opened[3].Number, opened[1].Number, 999_999]);

        Assert.Equal(
            new Dictionary<int, string>
            {
                [opened[0].Number] = alerts[19].Id,
                [opened[1].Number] = alerts[20].Id,
                [opened[2].Number] = alerts[22].Id,
            },
            first.ToDictionary(f => f.Key, f => f.Value.Id));
        foreach (var (number, alert) in first)
        {
            Assert.Equal((await incidents.FirstAlertOfAsync(number))!.Id, alert.Id);
        }
        Assert.Empty(await incidents.FirstAlertsOfAsync([]));
    }

    [SkippableTheory]
    [MemberData(nameof(RawPayloads), MemberType = typeof(StoreData))]
    public async Task AnAlertsRawPayloadReadsBackAsTheSameJsonOrTheSameText(string what, string raw)
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var incident = (await incidents.OpenNewAsync(1))[0];
        var alert = Alert(incident.Number, "raw", raw);
        var changes = new IncidentChanges();
        changes.Alerts[alert.Id] = alert;
        changes.NewAlerts.Add(alert.Id);
        await incidents.CommitAsync(changes);
        await store.ReopenAsync();

        var back = (await store.Get<IIncidentStore>().FindAlertAsync(alert.Id))!.Raw;
        Assert.True(SameJsonOrText(raw, back), $"{what}: stored {raw}, read back {back}");
    }

    /// <summary>The same text, or (PostgreSQL's jsonb keeps meaning, not spelling) JSON with the same meaning.</summary>
    internal static bool SameJsonOrText(string expected, string actual)
    {
        if (expected == actual)
        {
            return true;
        }
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual));
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    [SkippableFact]
    public async Task NumbersAreNeverHandedOutTwiceNorOneAnIncidentHas()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var declared = (await incidents.OpenNewAsync(1))[0];
        // An incident stored with a number of its own (as a copied data file holds them).
        await incidents.OpenAsync(Incident(declared.Number + 2));

        var numbers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await incidents.NextNumberAsync())));
        await store.ReopenAsync();
        var afterReopen = await store.Get<IIncidentStore>().NextNumberAsync();

        Assert.Equal(50, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.True(n > declared.Number && n != declared.Number + 2, $"{n} was handed out"));
        Assert.DoesNotContain(afterReopen, numbers);
        Assert.True(afterReopen > declared.Number + 2);
    }

    [SkippableFact]
    public async Task AReaderSeesACommitWholeOrNotAtAll()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var number = (await incidents.OpenNewAsync(1, n => Incident(n, "whole")))[0].Number;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var incident = (await incidents.FindAsync(number))!;
            for (var version = 1; version <= 150; version++)
            {
                // Title, a role, a channel and a runbook session change together in each commit.
                incident.Title = $"v{version}";
                incident.Roles["commander"] = $"v{version}";
                incident.Channels = [new ChannelBinding("slack", "C1", $"v{version}")];
                incident.RunbookSessions = [new RunbookSession { RunbookId = "r", Title = $"v{version}", Version = "x", StartedAt = At, StartedBy = "a" }];
                await incidents.UpdateAsync(incident);
            }
            await stop.CancelAsync();
        });

        var reads = 0;
        while (!stop.IsCancellationRequested)
        {
            foreach (var read in new[] { await incidents.FindAsync(number), await incidents.FindOpenByGroupKeyAsync("whole"), (await incidents.ListAsync(new IncidentQuery(Limit: 1)))[0] })
            {
                reads++;
                var title = read!.Title;
                if (title == "Incident " + number)
                {
                    continue; // before the first commit
                }
                Assert.Equal(title, read.Roles["commander"]);
                Assert.Equal(title, Assert.Single(read.Channels).Name);
                Assert.Equal(title, Assert.Single(read.RunbookSessions).Title);
            }
        }
        await writer;
        Assert.True(reads > 10, $"only {reads} reads ran beside the writer");
    }

    [SkippableFact]
    public async Task TwoWritersOfOneVersionOfAnIncidentNeverBothSucceed()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();
        var number = (await incidents.OpenNewAsync(1))[0].Number;

        Incident? lastWinner = null;
        for (var round = 0; round < 20; round++)
        {
            var copies = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ => (await incidents.FindAsync(number))!));
            var outcomes = await Task.WhenAll(copies.Select((copy, i) => Task.Run(async () =>
            {
                copy.Roles[$"role-{i}"] = $"user-{round}";
                var changes = new IncidentChanges();
                changes.Incidents[number] = copy;
                changes.Timeline.Add(new TimelineEntry { IncidentNumber = number, At = At, Actor = $"writer-{i}", Kind = TimelineKinds.Note, Text = $"round {round}" });
                try
                {
                    await incidents.CommitAsync(changes);
                    return true;
                }
                catch (IncidentConflictException)
                {
                    return false;
                }
            })));
            Assert.Equal(1, outcomes.Count(won => won));
            lastWinner = copies[Array.IndexOf(outcomes, true)];
            Assert.Equal(round + 2, lastWinner.Version);
        }

        var stored = (await incidents.FindAsync(number))!;
        Assert.Equal(21, stored.Version);
        // The roles are exactly the last winner's: each winner had read every earlier winner's change.
        Assert.Equal(lastWinner!.Roles.OrderBy(r => r.Key), stored.Roles.OrderBy(r => r.Key));
        Assert.Equal(Enumerable.Range(0, 4).Count(i => stored.Roles.ContainsKey($"role-{i}")), stored.Roles.Count);
        Assert.Equal(20, (await incidents.TimelineOfAsync(number)).Count);
    }

    [SkippableFact]
    public async Task TwoWritersOpeningAnIncidentForOneAlertGroupAtOnceOpenOnlyOne()
    {
        await using var store = await OpenAsync();
        var incidents = store.Get<IIncidentStore>();

        for (var round = 0; round < 10; round++)
        {
            var key = $"group-{round}";
            var candidates = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ => Incident(await incidents.NextNumberAsync(), key)));
            var outcomes = await Task.WhenAll(candidates.Select(candidate => Task.Run(async () =>
            {
                try
                {
                    await incidents.OpenAsync(candidate);
                    return true;
                }
                catch (IncidentConflictException)
                {
                    return false;
                }
            })));
            Assert.Equal(1, outcomes.Count(won => won));
            Assert.Equal(candidates[Array.IndexOf(outcomes, true)].Number, (await incidents.FindOpenByGroupKeyAsync(key))?.Number);
        }
        Assert.Equal(10, (await incidents.ListAsync(new IncidentQuery(Limit: 1000))).Count);
    }
}

public sealed class IncidentStoreOnLiteDb : IncidentStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.LiteDbAsync();
}

[Collection(PostgresServer.Collection)]
public sealed class IncidentStoreOnPostgres(PostgresServer server) : IncidentStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => StoreUnderTest.PostgresAsync(server);
}
