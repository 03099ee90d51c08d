namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// Several real bot processes on one PostgreSQL database, each with a folder of its own, behind a
/// <see cref="LoopbackLoadBalancer"/>: what a Deployment of several replicas behind a Service is. A replica can be
/// killed, stopped and started again on a new port; the balancer follows.
/// </summary>
public sealed class BotReplicas : IAsyncDisposable
{
    private readonly Dictionary<string, string> _settings;
    private readonly string[] _folders;
    private readonly BotProcess?[] _replicas;

    private BotReplicas(Dictionary<string, string> settings, string[] folders, LoopbackLoadBalancer balancer)
    {
        _settings = settings;
        _folders = folders;
        _replicas = new BotProcess?[folders.Length];
        Balancer = balancer;
    }

    public LoopbackLoadBalancer Balancer { get; }

    /// <summary>Replica <paramref name="index"/> while it runs.</summary>
    public BotProcess this[int index] => _replicas[index] ?? throw new InvalidOperationException($"replica {index} is not running");

    /// <summary>What every replica printed so far, for a failure message.</summary>
    public string Output => string.Join("\n", _replicas.Select((r, i) => $"--- replica {i}\n{r?.Output}"));

    /// <param name="settings">Every replica's settings: the same database (Storage:Provider postgres) and chat platforms.</param>
    public static async Task<BotReplicas> StartAsync(int count, Dictionary<string, string> settings)
    {
        var folders = Enumerable.Range(0, count).Select(i => Directory.CreateTempSubdirectory($"incidentbot-replica{i}-").FullName).ToArray();
        var replicas = new BotReplicas(settings, folders, await LoopbackLoadBalancer.StartAsync(count));
        // One after the other, as a rollout starts them: the first migrates the empty database.
        for (var i = 0; i < count; i++)
        {
            await replicas.StartAsync(i);
        }
        await Eventually.TrueAsync(() => replicas.Balancer.InRotation == count, "every replica to be in the balancer's rotation");
        return replicas;
    }

    /// <summary>Starts replica <paramref name="index"/> (again) and puts it behind the balancer once ready.</summary>
    public async Task StartAsync(int index)
    {
        _replicas[index] = await BotProcess.StartAsync(_folders[index], _settings);
        Balancer.Attach(index, _replicas[index]!.Client.BaseAddress!);
    }

    /// <summary>SIGKILL: the balancer finds out by itself, as a load balancer does.</summary>
    public void Kill(int index) => this[index].Kill();

    /// <summary>SIGTERM, as Kubernetes stops a pod; the balancer finds out by itself. Returns the exit code.</summary>
    public async Task<int> TerminateAsync(int index)
    {
        var exitCode = await this[index].TerminateAsync(TimeSpan.FromSeconds(40));
        Balancer.Detach(index);
        await this[index].DisposeAsync();
        _replicas[index] = null;
        return exitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("INCIDENTBOT_TEST_REPLICA_LOGS") is { Length: > 0 } logs)
        {
            for (var i = 0; i < _replicas.Length; i++)
            {
                File.WriteAllText(Path.Combine(logs, $"replica{i}-{_replicas[i]?.Port}.log"), _replicas[i]?.Output ?? "");
            }
        }
        await Balancer.DisposeAsync();
        foreach (var replica in _replicas)
        {
            if (replica is not null)
            {
                await replica.DisposeAsync();
            }
        }
        foreach (var folder in _folders)
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}
