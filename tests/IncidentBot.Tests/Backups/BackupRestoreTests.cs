using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Tests.Infrastructure;

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
        using (var app = new IncidentBotApplication(dataFolder: _folder))
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
        using (var app = new IncidentBotApplication(dataFolder: _folder))
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
    public async Task BadArgumentsPrintUsageAndExitWithTwo(params string[] args)
    {
        var result = await BotTool.RunAsync(_folder, Settings(), args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"Usage: {args[0]} ", result.Errors);
        Assert.Empty(Directory.GetFiles(_folder));
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
