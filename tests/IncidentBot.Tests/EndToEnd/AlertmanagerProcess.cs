using System.Diagnostics;
using System.Text;

namespace IncidentBot.Tests.EndToEnd;

/// <summary>
/// The real Prometheus Alertmanager (Debian's <c>prometheus-alertmanager</c>, installed by .ci/run) on a loopback
/// port, with one webhook receiver pointing at the bot.
/// </summary>
public sealed class AlertmanagerProcess : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager", "/usr/bin/alertmanager"];

    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _output = new();

    private AlertmanagerProcess(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public HttpClient Client { get; }

    public static string? FindBinary() => Candidates.FirstOrDefault(File.Exists);

    public static async Task<AlertmanagerProcess> StartAsync(string binary, string webhookUrl, string bearerToken)
    {
        var folder = Directory.CreateTempSubdirectory("alertmanager-").FullName;
        var port = Infrastructure.BotProcess.FreePort();
        var config = Path.Combine(folder, "alertmanager.yml");
        await File.WriteAllTextAsync(config, $"""
            route:
              receiver: incidentbot
              group_by: ['alertname']
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: incidentbot
                webhook_configs:
                  - url: {webhookUrl}
                    send_resolved: true
                    http_config:
                      authorization:
                        type: Bearer
                        credentials: {bearerToken}
            """);
        var start = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            $"--config.file={config}", $"--storage.path={Path.Combine(folder, "data")}", $"--web.listen-address=127.0.0.1:{port}",
            $"--web.external-url=http://127.0.0.1:{port}", "--cluster.listen-address=",
        })
        {
            start.ArgumentList.Add(argument);
        }
        var alertmanager = new AlertmanagerProcess(Process.Start(start)!, folder, port);
        alertmanager._process.ErrorDataReceived += (_, e) => { lock (alertmanager._output) { alertmanager._output.AppendLine(e.Data); } };
        alertmanager._process.BeginErrorReadLine();
        await alertmanager.WaitUntilReadyAsync();
        return alertmanager;
    }

    /// <summary>Posts alerts to Alertmanager's own API, as Prometheus would.</summary>
    public async Task PostAlertsAsync(string json)
    {
        var response = await Client.PostAsync("/api/v2/alerts", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"Alertmanager refused the alert: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Client.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private async Task WaitUntilReadyAsync()
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"Alertmanager exited with code {_process.ExitCode}:\n{Output}");
            }
            try
            {
                if ((await Client.GetAsync("/-/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
        }
        Assert.Fail($"Alertmanager did not become ready:\n{Output}");
    }
}
