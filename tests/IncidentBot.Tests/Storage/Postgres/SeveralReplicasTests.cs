using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using IncidentBot.Alerts;
using IncidentBot.Chat;
using IncidentBot.Chat.Outbox;
using IncidentBot.Chat.Platforms;
using IncidentBot.Incidents;
using IncidentBot.Storage;
using IncidentBot.Telemetry;
using IncidentBot.Tests.Infrastructure;
using IncidentBot.Tests.Storage.Contract;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace IncidentBot.Tests.Storage.Postgres;

/// <summary>
/// Several replicas on one PostgreSQL database, in one test process: each "replica" is the bot's own
/// <see cref="IncidentService"/>, <see cref="AlertInbox"/>, <see cref="AlertProcessor"/> or <see cref="OutboxDispatcher"/>
/// with its own in-process gate, signal and claim name, over the same store, as two bot processes would be.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed partial class SeveralReplicasTests(PostgresServer server, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task ManyWritersOnSeveralReplicasHammeringOneIncidentLoseNoUpdateAndGiveUpNothing(int replicaCount)
    {
        const int Writers = 8;
        const int PerWriter = 25;
        await using var app = new IncidentBotApplication();
        await using var store = await StoreUnderTest.PostgresAsync(server);
        var incidents = store.Get<IIncidentStore>();
        var replicas = Enumerable.Range(0, replicaCount).Select(_ => Writer(app, incidents)).ToList();
        await replicas[0].CorrelateAsync([Alert("opener", "checkout")]);
        var number = (await incidents.FindOpenByGroupKeyAsync("checkout"))!.Number;
        using var conflicts = new Measurements(app, "incidentbot.incident.conflicts", "outcome");

        // Every writer alternates alerts and notes on the one incident, through either replica; none of them retries
        // by itself: an operation given up on fails the test.
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                var replica = replicas[(w + i) % replicaCount];
                if (i % 2 == 0)
                {
                    await replica.CorrelateAsync([Alert($"w{w}-{i}", "checkout")]);
                }
                else
                {
                    Assert.Null((await replica.AddNoteAsync(number, $"w{w}-{i}", "alice")).Problem);
                }
            }
        })));

        var incident = (await incidents.FindAsync(number))!;
        var alerts = Writers * ((PerWriter + 1) / 2);
        Assert.Equal((1 + alerts, 1 + alerts), (incident.AlertCount, incident.FiringAlertCount));
        Assert.Equal(1 + alerts, (await incidents.AlertsOfAsync(number)).Count);
        Assert.Equal(Writers * (PerWriter / 2), (await incidents.TimelineOfAsync(number)).Count(t => t.Kind == TimelineKinds.Note));
        output.WriteLine($"conflicts: {conflicts.Count("retried")} retried, {conflicts.Count("given_up")} given up");
        Assert.Equal(0, conflicts.Count("given_up"));
        Assert.True(conflicts.Count("retried") > 0, "the writers never met: the test did not contend");
    }

    /// <summary>
    /// Each replica answers a batch's open incidents from its own copies of its last commits without asking
    /// (PostgresIncidentSnapshots): a decision taken on a copy another replica has made stale must not stand, whether
    /// the batch changes the incident (its version) or leaves it be (IncidentChanges.Unchanged).
    /// </summary>
    [SkippableFact]
    public async Task AReplicaNeverDecidesOnItsCopyOfAnIncidentAnotherReplicaResolved()
    {
        await using var replicas = await TwoWritersAsync();
        var (a, b, incidents) = (replicas.A, replicas.B, replicas.Incidents);

        // A opens the incidents; B resolves them by hand while their alerts still fire.
        await a.CorrelateAsync([Alert("repeated", "checkout"), Alert("joining", "payments")]);
        var checkout = (await incidents.FindOpenByGroupKeyAsync("checkout"))!;
        var payments = (await incidents.FindOpenByGroupKeyAsync("payments"))!;
        Assert.Null((await b.ResolveAsync(checkout.Number, "fixed by hand", "alice")).Problem);
        Assert.Null((await b.ResolveAsync(payments.Number, "fixed by hand", "alice")).Problem);

        // The same alert again, still firing (its incident's copy would say: nothing to do), and a new alert (the copy
        // would say: attach it): each group has no open incident, so each opens a new one.
        Assert.Equal(2, await a.CorrelateAsync([Alert("repeated", "checkout"), Alert("another", "payments")]));

        var open = (await incidents.ListAsync(new IncidentQuery(IncidentStatusFilter.Open))).ToDictionary(i => i.GroupKey!);
        Assert.Equal(["checkout", "payments"], open.Keys.Order());
        Assert.DoesNotContain(open.Values, i => i.Number == checkout.Number || i.Number == payments.Number);
        Assert.Equal(["repeated"], (await incidents.AlertsOfAsync(open["checkout"].Number)).Select(x => x.Fingerprint));
        Assert.Equal(["another"], (await incidents.AlertsOfAsync(open["payments"].Number)).Select(x => x.Fingerprint));
        Assert.Equal(1, (await incidents.FindAsync(payments.Number))!.AlertCount);
    }

    [Fact]
    public void ConflictPausesGrowWithEachAttemptAndStayRandomAndSmall()
    {
        var random = new Random(18);
        Assert.Equal(TimeSpan.FromMilliseconds(2), ConflictBackoff.CeilingAfter(1));
        Assert.Equal(TimeSpan.FromMilliseconds(4), ConflictBackoff.CeilingAfter(2));
        Assert.Equal(TimeSpan.FromMilliseconds(128), ConflictBackoff.CeilingAfter(7));
        Assert.Equal(TimeSpan.FromMilliseconds(200), ConflictBackoff.CeilingAfter(8));
        Assert.Equal(TimeSpan.FromMilliseconds(200), ConflictBackoff.CeilingAfter(IncidentService.MaxAttempts));
        for (var attempt = 1; attempt < IncidentService.MaxAttempts; attempt++)
        {
            var pauses = Enumerable.Range(0, 200).Select(_ => ConflictBackoff.PauseAfter(attempt, random)).ToList();
            Assert.All(pauses, p => Assert.InRange(p, TimeSpan.Zero, ConflictBackoff.CeilingAfter(attempt)));
            Assert.True(pauses.Distinct().Count() > 100, $"attempt {attempt}: pauses are not spread ({pauses.Distinct().Count()} distinct)");
        }
        var worstCase = Enumerable.Range(1, IncidentService.MaxAttempts - 1).Sum(a => ConflictBackoff.CeilingAfter(a).TotalMilliseconds);
        Assert.InRange(worstCase, 1_000, 3_000);
    }

    /// <remarks>
    /// Each round: a backlog of firing-then-resolve pairs for many keys is written to the inbox in random chunks,
    /// while two replicas (each its own inbox writer, processor with a small random batch size, and incident service)
    /// already work, and more pairs arrive live, each firing through one replica and, once acknowledged, its resolve
    /// through either. Whichever replica claims or correlates what, every key ends with its alert resolved.
    /// </remarks>
    [SkippableFact]
    public async Task AResolveNeverOvertakesItsFiringWhicheverReplicasTakeThem()
    {
        const int Rounds = 6;
        const int Backlog = 30;
        const int Live = 15;
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        await using var app = new IncidentBotApplication();
        await using var store = await StoreUnderTest.PostgresAsync(server);
        var incidents = store.Get<IIncidentStore>();
        var inbox = store.Get<IAlertInboxStore>();
        var options = app.Services.GetRequiredService<IncidentService>().Options;
        var keys = new List<string>();

        for (var round = 0; round < Rounds; round++)
        {
            var replicas = Enumerable.Range(0, 2).Select(_ => new AlertReplica(app, incidents, inbox, batchSize: random.Next(1, 5))).ToList();
            await Task.WhenAll(replicas.Select(r => r.StartAsync()));
            try
            {
                // The backlog: per key the firing before the resolve, the keys interleaved at random.
                var backlog = Enumerable.Range(0, Backlog).Select(k => $"r{round}-backlog-{k}").ToList();
                keys.AddRange(backlog);
                var pending = backlog.ToDictionary(k => k, _ => new Queue<AlertStatus>([AlertStatus.Firing, AlertStatus.Resolved]));
                var entries = new List<InboxEntry>();
                while (pending.Count > 0)
                {
                    var key = pending.Keys.ElementAt(random.Next(pending.Count));
                    var alert = Alert(key, key, pending[key].Dequeue());
                    entries.Add(new InboxEntry { Alert = alert, ReceivedAt = DateTimeOffset.UtcNow, GroupKey = options.GroupKeyFor(alert) });
                    if (pending[key].Count == 0)
                    {
                        pending.Remove(key);
                    }
                }
                var appending = Task.Run(async () =>
                {
                    for (var i = 0; i < entries.Count;)
                    {
                        var chunk = entries.Skip(i).Take(random.Next(1, 12)).ToList();
                        await inbox.AppendAsync(chunk);
                        i += chunk.Count;
                        replicas.ForEach(r => r.Signal.Notify());
                    }
                });
                // Live pairs: the sender waits for the firing's 202 before it sends the resolve, as Alertmanager does.
                var live = Enumerable.Range(0, Live).Select(k => $"r{round}-live-{k}").ToList();
                keys.AddRange(live);
                var senders = live.Select((key, i) => Task.Run(async () =>
                {
                    var (first, second) = (replicas[i % 2], replicas[(i + round) % 2]);
                    await Task.Delay(i % 4);
                    await first.Inbox.AcceptAsync([Alert(key, key)], CancellationToken.None);
                    await second.Inbox.AcceptAsync([Alert(key, key, AlertStatus.Resolved)], CancellationToken.None);
                }));
                await Task.WhenAll(senders.Append(appending));
                await Eventually.TrueAsync(async () => await inbox.PendingCountAsync() == 0, "the inbox to be worked through", Wait);
            }
            finally
            {
                await Task.WhenAll(replicas.Select(r => r.StopAsync()));
            }
        }

        var all = await incidents.ListAsync(new IncidentQuery(Limit: 10_000));
        var wrong = new List<string>();
        foreach (var key in keys)
        {
            var ofKey = all.Where(i => i.GroupKey == key).ToList();
            var alerts = ofKey.Count == 1 ? await incidents.AlertsOfAsync(ofKey[0].Number) : [];
            if (ofKey.Count != 1 || ofKey[0].FiringAlertCount != 0 || alerts is not [{ Status: AlertStatus.Resolved }])
            {
                wrong.Add($"{key}: {ofKey.Count} incidents, {string.Join(", ", ofKey.Select(i => $"{i.Reference} firing {i.FiringAlertCount}"))}");
            }
        }
        Assert.True(wrong.Count == 0, $"seed {seed}: {wrong.Count} of {keys.Count} keys ended wrong:\n{string.Join("\n", wrong.Take(10))}");
    }

    [SkippableFact]
    public async Task TwoDispatchersDeliverEveryMessageOnceAndEachConversationInOrder()
    {
        const int Conversations = 12;
        const int Messages = 15;
        await using var app = new IncidentBotApplication();
        await using var store = await StoreUnderTest.PostgresAsync(server);
        var chat = new ChatLog();
        ChatPlatforms[] platforms = [chat.Platform("replica-a"), chat.Platform("replica-b")];
        IncidentService[] services = [Writer(app, store.Get<IIncidentStore>(), platforms[0]), Writer(app, store.Get<IIncidentStore>(), platforms[1])];
        var dispatchers = Enumerable.Range(0, 2).Select(i => Dispatcher(app, store, services[i], platforms[i])).ToList();
        using var redeliveries = new Measurements(app, "incidentbot.outbox.redeliveries", "platform");
        await Task.WhenAll(dispatchers.Select(d => d.StartAsync(CancellationToken.None)));
        try
        {
            var numbers = new List<int>();
            for (var c = 0; c < Conversations; c++)
            {
                numbers.Add((await services[c % 2].DeclareAsync($"Conversation {c}", Severity.Sev3, "alice")).Incident!.Number);
            }
            // Both replicas post into every conversation, one message after another (the order a reader must see).
            await Task.WhenAll(numbers.Select((number, c) => Task.Run(async () =>
            {
                for (var m = 0; m < Messages; m++)
                {
                    await services[(c + m) % 2].ChangeAsync(number, (tx, incident) =>
                    {
                        tx.Post(incident, IncidentMessages.Event(incident, $"step {m:00} of {incident.Reference}"));
                        return null;
                    });
                }
            })));

            await Eventually.TrueAsync(() => numbers.All(n => chat.StepsIn($"INC-{n}").Count >= Messages), "every message to be delivered", Wait);
            await Eventually.TrueAsync(async () => await store.Get<IOutboxStore>().PendingCountAsync() == 0, "the outbox to be empty", Wait);
            foreach (var number in numbers)
            {
                Assert.Equal(Enumerable.Range(0, Messages).ToList(), chat.StepsIn($"INC-{number}"));
            }
            Assert.Equal(numbers.Order(), chat.Opened.Order());
            Assert.Equal(["replica-a", "replica-b"], chat.Deliverers.Order());
            Assert.Equal(0, redeliveries.Count("fakechat"));
        }
        finally
        {
            await Task.WhenAll(dispatchers.Select(d => d.StopAsync(CancellationToken.None)));
        }
    }

    [SkippableFact]
    public async Task MessagesTakenOverFromAReplicaWhoseClaimRanOutAreCountedAsRedeliveries()
    {
        await using var app = new IncidentBotApplication();
        await using var store = await StoreUnderTest.PostgresAsync(server);
        var outbox = store.Get<IOutboxStore>();
        var chat = new ChatLog();
        var platforms = chat.Platform("survivor");
        var service = Writer(app, store.Get<IIncidentStore>(), platforms);
        var number = (await service.DeclareAsync("Checkout is down", Severity.Sev2, "alice")).Incident!.Number;
        using var redeliveries = new Measurements(app, "incidentbot.outbox.redeliveries", "platform");
        // A replica claims the incident's messages, then dies before it records any outcome; its claim runs out.
        var died = await outbox.ClaimDueAsync("replica-that-died", DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1), 100);
        Assert.NotEmpty(died);
        await Task.Delay(20);

        var survivor = Dispatcher(app, store, service, platforms);
        Assert.Equal(0, await survivor.DrainAsync(CancellationToken.None));
        Assert.Equal(died.Count, redeliveries.Count("fakechat"));
        Assert.Contains(number, chat.Opened);

        // What nobody else held is not counted.
        await service.AddNoteAsync(number, "cache cleared", "alice");
        await service.ChangeAsync(number, (tx, incident) =>
        {
            tx.Post(incident, IncidentMessages.Event(incident, "step 00"));
            return null;
        });
        Assert.Equal(0, await survivor.DrainAsync(CancellationToken.None));
        Assert.Equal([0], chat.StepsIn($"INC-{number}"));
        Assert.Equal(died.Count, redeliveries.Count("fakechat"));
    }

    [SkippableFact]
    public async Task AnAlertAnotherReplicaAttachedIsNeverStoredTwiceByTheReplicaThatOpenedItsIncident()
    {
        await using var replicas = await TwoWritersAsync();
        var (a, b, incidents) = (replicas.A, replicas.B, replicas.Incidents);

        // A opens the incident (so knows every alert it stored there); B attaches two more, one of them already resolved.
        Assert.Equal(1, await a.CorrelateAsync([Alert("first", "checkout")]));
        Assert.Equal(0, await b.CorrelateAsync([Alert("second", "checkout"), Alert("third", "checkout", AlertStatus.Resolved)]));

        // The same alerts reach A (sent again, as Alertmanager does every repeat_interval), and a new one: A's copy does
        // not know B's two, and says so without asking; its commit is refused, it reads again and finds them stored.
        Assert.Equal(0, await a.CorrelateAsync([Alert("second", "checkout"), Alert("third", "checkout", AlertStatus.Resolved), Alert("fourth", "checkout")]));

        var incident = (await incidents.FindOpenByGroupKeyAsync("checkout"))!;
        var alerts = await incidents.AlertsOfAsync(incident.Number);
        Assert.Equal(["first", "fourth", "second", "third"], alerts.Select(x => x.Fingerprint).Order());
        Assert.Equal((4, 3), (incident.AlertCount, incident.FiringAlertCount));
        Assert.Single(await incidents.TimelineOfAsync(incident.Number), t => t.Kind == TimelineKinds.AlertResolved);
    }

    /// <summary>Two replicas' incident services (A and B), each over its own store on one new database; B's store to read.</summary>
    private async Task<TwoWriters> TwoWritersAsync()
    {
        var database = await server.CreateDatabaseAsync();
        IncidentBot.Storage.Postgres.PostgresMigrations.Apply(database, TimeSpan.FromSeconds(60));
        var app = new IncidentBotApplication();
        var (storeA, storeB) = (StoreUnderTest.Postgres(database), StoreUnderTest.Postgres(database));
        return new TwoWriters(app, storeA, storeB, Writer(app, storeA.Get<IIncidentStore>()), Writer(app, storeB.Get<IIncidentStore>()));
    }

    private sealed record TwoWriters(IncidentBotApplication App, StoreUnderTest StoreA, StoreUnderTest StoreB, IncidentService A, IncidentService B) : IAsyncDisposable
    {
        public IIncidentStore Incidents => StoreB.Get<IIncidentStore>();

        public async ValueTask DisposeAsync()
        {
            await StoreB.DisposeAsync();
            await StoreA.DisposeAsync();
            await App.DisposeAsync();
        }
    }

    private static IncidentService Writer(IncidentBotApplication app, IIncidentStore store, ChatPlatforms? platforms = null) =>
        platforms is null
            ? ActivatorUtilities.CreateInstance<IncidentService>(app.Services, store)
            : ActivatorUtilities.CreateInstance<IncidentService>(app.Services, store, platforms);

    private static OutboxDispatcher Dispatcher(IncidentBotApplication app, StoreUnderTest store, IncidentService service, ChatPlatforms platforms) =>
        ActivatorUtilities.CreateInstance<OutboxDispatcher>(app.Services, store.Get<IOutboxStore>(), store.Get<IIncidentStore>(), service, platforms, new OutboxSignal());

    private static Alert Alert(string fingerprint, string groupKey, AlertStatus status = AlertStatus.Firing) => new()
    {
        Source = "test",
        Fingerprint = fingerprint,
        GroupKey = groupKey,
        Status = status,
        Severity = "warning",
        Title = $"{groupKey} is failing",
        StartsAt = DateTimeOffset.UtcNow,
    };

    /// <summary>One replica's intake: its own incident service, inbox writer and processor, over the shared store.</summary>
    private sealed class AlertReplica
    {
        public AlertReplica(IncidentBotApplication app, IIncidentStore incidents, IAlertInboxStore inbox, int batchSize)
        {
            var service = Writer(app, incidents);
            var intake = Options.Create(new IntakeOptions { BatchSize = batchSize });
            Inbox = ActivatorUtilities.CreateInstance<AlertInbox>(app.Services, inbox, service, Signal, intake);
            Processor = ActivatorUtilities.CreateInstance<AlertProcessor>(app.Services, inbox, service, Signal, intake);
        }

        public AlertInboxSignal Signal { get; } = new();

        public AlertInbox Inbox { get; }

        public AlertProcessor Processor { get; }

        public async Task StartAsync()
        {
            await Inbox.StartAsync(CancellationToken.None);
            await Processor.StartAsync(CancellationToken.None);
        }

        public async Task StopAsync()
        {
            await Inbox.StopAsync(CancellationToken.None);
            await Processor.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>What the chat received: channels opened and messages, with the replica that delivered each.</summary>
    private sealed partial class ChatLog
    {
        private readonly ConcurrentQueue<(string Channel, string Json)> _posts = new();
        private readonly ConcurrentQueue<int> _opened = new();
        private readonly ConcurrentDictionary<string, bool> _deliverers = new();

        public IReadOnlyList<int> Opened => _opened.ToList();

        /// <summary>The replicas that delivered something.</summary>
        public ICollection<string> Deliverers => _deliverers.Keys;

        /// <summary>The platforms of one replica: a chat that records into this log under <paramref name="replica"/>.</summary>
        public ChatPlatforms Platform(string replica)
        {
            var chat = new RecordingChat(this, replica);
            return new ChatPlatforms([chat], [chat]);
        }

        /// <summary>The numbers of the "step NN" messages delivered into a channel, in delivery order, repeats included.</summary>
        public List<int> StepsIn(string channel) =>
            _posts.Where(p => p.Channel == channel).Select(p => StepPattern().Match(p.Json)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

        [GeneratedRegex(@"step (\d\d)")]
        private static partial Regex StepPattern();

        /// <summary>A chat platform that opens a channel per incident (named by its reference) and takes a little while for each call.</summary>
        private sealed class RecordingChat(ChatLog log, string replica) : IChatChannelProvisioner, IChatMessageSender
        {
            public string Platform => "fakechat";

            public async Task<ChannelBinding> OpenChannelAsync(Incident incident, CancellationToken cancellationToken)
            {
                await Task.Delay(Random.Shared.Next(3), cancellationToken);
                log._opened.Enqueue(incident.Number);
                return new ChannelBinding(Platform, incident.Reference, incident.Reference.ToLowerInvariant());
            }

            public async Task SendAsync(ChannelBinding channel, ChatMessage message, CancellationToken cancellationToken)
            {
                await Task.Delay(Random.Shared.Next(3), cancellationToken);
                log._posts.Enqueue((channel.Id, message.ToJson()));
                log._deliverers.TryAdd(replica, true);
            }
        }
    }

    /// <summary>Sums one counter of the app's own meter by one tag's value.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _counts = new();

        public Measurements(IncidentBotApplication app, string instrument, string tag)
        {
            var meter = app.Services.GetRequiredService<BotMetrics>().Meter;
            _listener.InstrumentPublished = (i, listener) =>
            {
                if (i.Meter == meter && i.Name == instrument)
                {
                    listener.EnableMeasurementEvents(i);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var t in tags)
                {
                    if (t.Key == tag)
                    {
                        _counts.AddOrUpdate(t.Value?.ToString() ?? "", value, (_, sum) => sum + value);
                    }
                }
            });
            _listener.Start();
        }

        public long Count(string value) => _counts.GetValueOrDefault(value);

        public void Dispose() => _listener.Dispose();
    }
}
