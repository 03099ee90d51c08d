using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace IncidentBot.Tests.Backups;

/// <summary><c>backup &lt;file&gt;</c> and <c>restore &lt;file&gt;</c> against a real bot process, as an operator runs them.</summary>
[Trait(StoreTrait.Name, StoreTrait.LiteDb)]
public sealed class BackupRestoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("incidentbot-backup-").FullName;

    private string DataFile => Path.Combine(_folder, "incidentbot.db");

    private string BackupFile => Path.Combine(_folder, "backups", "incidentbot-backup.db");

    [Fact]
    public async Task BackupUnderWriteLoadRestoresEveryAlertAcknowledgedBeforeItStarted()
    {
        var acknowledged = new ConcurrentBag<(string Key, string Fingerprint, long At)>();
        long backupStarted, backupEnded;
        await using (var bot = await BotProcess.StartAsync(_folder))
        {
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var (key, fingerprint) = ($"key-{i % 10}", $"s{sender}-{i}");
                    var response = await PostAlertAsync(bot, key, fingerprint);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        acknowledged.Add((key, fingerprint, Stopwatch.GetTimestamp()));
                    }
                }
            })).ToArray();
            await Eventually.TrueAsync(() => acknowledged.Count >= 150, "150 acknowledged alerts", TimeSpan.FromSeconds(60));

            backupStarted = Stopwatch.GetTimestamp();
            var backup = await BotTool.RunAsync(_folder, Settings(bot), "backup", BackupFile);
            backupEnded = Stopwatch.GetTimestamp();
            var countAtEnd = acknowledged.Count;
            await Eventually.TrueAsync(() => acknowledged.Count >= countAtEnd + 20, "alerts acknowledged after the backup", TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            await Task.WhenAll(senders);

            Assert.True(backup.ExitCode == 0, backup.ToString());
            Assert.Contains("taken by the running bot", backup.Output);
            Assert.Contains($"The backup opens: schema version {LiteDbDataFile.CurrentSchemaVersion}", backup.Output);
            bot.Kill();
        }

        var restore = await BotTool.RunAsync(_folder, Settings(), "restore", BackupFile);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains($"Restored {BackupFile} to {DataFile}", restore.Output);
        Assert.Contains("The file it replaced is kept as", restore.Output);

        var before = acknowledged.Where(a => a.At < backupStarted).ToList();
        var after = acknowledged.Where(a => a.At > backupEnded).Select(a => a.Fingerprint).ToHashSet();
        await using var restored = await BotProcess.StartAsync(_folder);
        await Eventually.TrueAsync(async () => (await restored.IncidentsAsync()).Sum(i => i.AlertCount) >= before.Count,
            $"the {before.Count} alerts acknowledged before the backup to be attached", TimeSpan.FromSeconds(30));
        var attached = new HashSet<string>();
        foreach (var incident in await restored.IncidentsAsync())
        {
            attached.UnionWith((await restored.IncidentAsync(incident.Number)).Alerts!.Select(a => a.Fingerprint));
        }
        Assert.All(before, a => Assert.Contains(a.Fingerprint, attached));
        Assert.DoesNotContain(attached, after.Contains); // the restored file replaced the one the bot kept writing
    }

    [Fact]
    public async Task RestoreIsRefusedWhileTheBotRunsAndLeavesItsDataAlone()
    {
        await using var bot = await BotProcess.StartAsync(_folder);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAlertAsync(bot, "disk", "d1")).StatusCode);
        await Eventually.TrueAsync(async () => (await bot.IncidentsAsync()).Count == 1, "the incident to open");
        Directory.CreateDirectory(Path.GetDirectoryName(BackupFile)!);
        File.Copy(DataFile, BackupFile); // any file will do: the refusal comes first

        var restore = await BotTool.RunAsync(_folder, Settings(bot), "restore", BackupFile);

        Assert.Equal(1, restore.ExitCode);
        Assert.Contains($"Not restored: a running IncidentBot has {DataFile} open. Stop the bot first", restore.Errors);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAlertAsync(bot, "disk", "d2")).StatusCode);
        await Eventually.TrueAsync(async () => (await bot.IncidentsAsync()).Single().AlertCount == 2, "the bot to go on writing its file");
        Assert.Empty(Directory.GetFiles(_folder, "*restore*"));
    }

    [Fact]
    public async Task StoppedBotIsBackedUpFromItsFile()
    {
        await using (var app = new IncidentBotApplication(dataFolder: _folder))
        {
            await app.CommandAsync(null, "alice", "declare Payments are slow sev2");
        }

        var backup = await BotTool.RunAsync(_folder, Settings(), "backup", BackupFile);

        Assert.True(backup.ExitCode == 0, backup.ToString());
        Assert.Contains("copied directly: no bot had it open", backup.Output);
        Assert.Contains($"schema version {LiteDbDataFile.CurrentSchemaVersion}: 1 incident(s)", backup.Output);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(BackupFile)!, "*partial*"));
    }

    [Fact]
    public async Task RestoreOfAFileThatIsNoBackupChangesNothing()
    {
        await using (var app = new IncidentBotApplication(dataFolder: _folder))
        {
            await app.CommandAsync(null, "alice", "declare Payments are slow sev2");
        }
        var before = File.ReadAllBytes(DataFile);
        var notABackup = Path.Combine(_folder, "notes.db");
        File.WriteAllText(notABackup, "these are notes, not a database");

        var restore = await BotTool.RunAsync(_folder, Settings(), "restore", notABackup);

        Assert.Equal(1, restore.ExitCode);
        Assert.StartsWith($"Not restored: {notABackup} is not a readable IncidentBot data file", restore.Errors);
        Assert.Equal(before, File.ReadAllBytes(DataFile));
        Assert.Equal(["incidentbot.db", "notes.db"], Directory.GetFiles(_folder).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("backup")]
    [InlineData("backup", "--url", "http://127.0.0.1:1")]
    [InlineData("backup", "copy.db", "--url", "not-a-url")]
    [InlineData("restore")]
    [InlineData("restore", "one.db", "two.db")]
    [InlineData("healthcheck", "not-a-url")]
    [InlineData("storage")]
    [InlineData("storage", "copy", "incidentbot.db")]
    [InlineData("storage", "move", "incidentbot.db", "Host=127.0.0.1")]
    [InlineData("storage", "copy", "incidentbot.db", "Host=127.0.0.1", "extra")]
    public async Task BadArgumentsPrintUsageAndExitWithTwo(params string[] args)
    {
        var result = await BotTool.RunAsync(_folder, Settings(), args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"Usage: {args[0]} ", result.Errors);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    /// <summary>With PostgreSQL there is no data file: both commands print the pg_dump / pg_restore commands instead.</summary>
    [Theory]
    [InlineData("backup", "pg_dump --format=custom --no-owner --host=db.internal --port=6432 --username=incidentbot --dbname=incidents --file=incidentbot-$(date +%F).dump")]
    [InlineData("restore", "pg_restore --no-owner --exit-on-error --single-transaction --host=db.internal --port=6432 --username=incidentbot --dbname=incidentbot_restored <file>.dump")]
    public async Task OnPostgresBackupAndRestoreSayWhatToDoInsteadAndTouchNoFile(string command, string instead)
    {
        const string password = "pg-Secret-0451";
        var settings = Settings();
        settings["Storage:Provider"] = "postgres";
        settings["ConnectionStrings:IncidentBot"] = $"Host=db.internal;Port=6432;Database=incidents;Username=incidentbot;Password={password}";
        var backup = Path.Combine(_folder, "incidentbot-backup.db");
        File.WriteAllText(backup, "a file that must stay as it is");

        var result = await BotTool.RunAsync(_folder, settings, command, backup);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("This bot keeps its data in PostgreSQL (Storage:Provider is postgres)", result.Errors);
        Assert.Contains(instead, result.Errors);
        Assert.Contains("docs/storage.md", result.Errors);
        Assert.DoesNotContain(password, result.Output + result.Errors);
        Assert.Equal(["incidentbot-backup.db"], Directory.GetFiles(_folder).Select(Path.GetFileName));
        Assert.Equal("a file that must stay as it is", File.ReadAllText(backup));
    }

    [Fact]
    public async Task BackupFromABotOnPostgresPassesOnWhatItSaysToDoInstead()
    {
        // Answers as a bot on PostgreSQL does (BackupOnPostgresEndpointTests pins the real endpoint's answer).
        var (fake, port) = await IncidentBot.Tests.Slack.Fakes.LoopbackHost.StartAsync(app => app.MapPost("/api/admin/backup", () =>
            Microsoft.AspNetCore.Http.Results.Problem("This bot keeps its data in PostgreSQL. pg_dump --format=custom --host=db.internal", statusCode: 409, title: "Back up PostgreSQL with pg_dump")));
        await using var _ = fake;

        var result = await BotTool.RunAsync(_folder, Settings(), "backup", BackupFile, "--url", $"http://127.0.0.1:{port}");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"No backup was written: the bot at http://127.0.0.1:{port}/ keeps no data file. This bot keeps its data in PostgreSQL. pg_dump --format=custom --host=db.internal", result.Errors.Trim());
        Assert.False(File.Exists(BackupFile));
    }

    [Fact]
    public async Task WithAccessListsTheBackupToolNeedsAnApiTokenAndSaysHowToGetOne()
    {
        // Once Access lists are set, a typed caller (the tool on the bot's machine) carries no role.
        var access = new Dictionary<string, string> { ["Access:Leads:0"] = "lead@example.com" };
        var created = await BotTool.RunAsync(_folder, Settings(), "tokens", "create", "--name", "backup", "--role", "responder");
        Assert.True(created.ExitCode == 0, created.ToString());
        var token = created.Output.Trim();
        var viewer = (await BotTool.RunAsync(_folder, Settings(), "tokens", "create", "--name", "reader", "--role", "viewer")).Output.Trim();
        await using var bot = await BotProcess.StartAsync(_folder, access);

        var withoutToken = await BotTool.RunAsync(_folder, Settings(bot), "backup", BackupFile);
        var withViewerToken = await BotTool.RunAsync(_folder, new Dictionary<string, string>(Settings(bot)) { ["INCIDENTBOT_API_TOKEN"] = viewer }, "backup", BackupFile);
        var withToken = await BotTool.RunAsync(_folder, new Dictionary<string, string>(Settings(bot)) { ["INCIDENTBOT_API_TOKEN"] = token }, "backup", BackupFile);

        foreach (var refused in new[] { withoutToken, withViewerToken })
        {
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("responder role", refused.Errors);
            Assert.Contains("Set INCIDENTBOT_API_TOKEN to an API token with the responder role (`tokens create --name backup --role responder`)", refused.Errors);
        }
        Assert.DoesNotContain(token, withToken.Output + withToken.Errors);
        Assert.True(withToken.ExitCode == 0, withToken.ToString());
        Assert.Contains("taken by the running bot", withToken.Output);
        Assert.True(File.Exists(BackupFile));
    }

    [Fact]
    public async Task RestoreOfAMissingFileSaysSo()
    {
        var result = await BotTool.RunAsync(_folder, Settings(), "restore", Path.Combine(_folder, "nowhere.db"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("There is no backup at", result.Errors);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    /// <summary>What the bot's own environment holds, so the tool finds the same data file and address.</summary>
    private Dictionary<string, string> Settings(BotProcess? bot = null)
    {
        var settings = new Dictionary<string, string> { ["Storage:Path"] = DataFile };
        if (bot is not null)
        {
            settings["ASPNETCORE_URLS"] = $"http://127.0.0.1:{bot.Port}";
        }
        return settings;
    }

    private static Task<HttpResponseMessage> PostAlertAsync(BotProcess bot, string key, string fingerprint) =>
        bot.Client.PostAsync("/webhooks/generic",
            new StringContent($$"""{"title":"Backup {{key}}","dedupKey":"{{key}}","fingerprint":"{{fingerprint}}"}""", Encoding.UTF8, "application/json"));
}
