using IncidentBot.OnCall;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;

namespace IncidentBot.Tests.OnCall;

/// <summary>
/// The on-call services exactly as the bot registers them (<see cref="OnCallExtensions.AddOnCall"/>), from settings a
/// test gives, with logs collected and the bot's meter, so a test sees what an operator would.
/// </summary>
internal sealed class OnCallHarness : IDisposable
{
    private readonly IHost _host;

    private OnCallHarness(IHost host)
    {
        _host = host;
        var metrics = host.Services.GetRequiredService<BotMetrics>();
        Lookups = new MetricCollector<long>(metrics.Meter, "incidentbot.oncall.lookups");
        Failures = new MetricCollector<long>(metrics.Meter, "incidentbot.oncall.source.failures");
        CacheHits = new MetricCollector<long>(metrics.Meter, "incidentbot.oncall.cache.hits");
    }

    public MetricCollector<long> Lookups { get; }

    public MetricCollector<long> Failures { get; }

    public MetricCollector<long> CacheHits { get; }

    public IServiceProvider Services => _host.Services;

    public IOnCallDirectory Directory => Services.GetRequiredService<IOnCallDirectory>();

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>Every log line written so far, with its structured values, as one text.</summary>
    public string AllLogText => string.Join("\n", Logs.GetSnapshot().Select(r => r.Message + " " + string.Join(" ", r.StructuredState?.Select(s => s.Value) ?? [])));

    public static OnCallHarness Create(IDictionary<string, string?> settings, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<BotMetrics>();
        builder.Services.AddFakeLogging();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }
        services?.Invoke(builder.Services);
        builder.AddOnCall();
        return new OnCallHarness(builder.Build());
    }

    /// <summary>The PagerDuty user pages are made as (<c>OnCall:PagerDuty:From</c>).</summary>
    public const string PagerDutyFrom = "oncall-bot@example.com";

    /// <summary>Settings that point every source (and pager) at its fake.</summary>
    public static Dictionary<string, string?> Settings(Fakes.FakePagerDuty? pagerDuty = null, Fakes.FakeOpsgenie? opsgenie = null, Fakes.FakeGrafanaOnCall? grafana = null, Fakes.FakeGoAlert? goAlert = null)
    {
        var settings = new Dictionary<string, string?>();
        void Add(string key, Fakes.FakeOnCallApi? fake)
        {
            if (fake is not null)
            {
                settings[$"OnCall:{key}:ApiKey"] = fake.ApiKey;
                settings[$"OnCall:{key}:BaseUrl"] = fake.BaseUrl;
            }
        }
        Add("PagerDuty", pagerDuty);
        Add("Opsgenie", opsgenie);
        Add("GrafanaOnCall", grafana);
        Add("GoAlert", goAlert);
        if (goAlert is not null)
        {
            settings["OnCall:GoAlert:ScheduleApiKey"] = goAlert.ScheduleKey;
            settings["OnCall:GoAlert:PageApiKey"] = goAlert.PageKey;
        }
        if (pagerDuty is not null)
        {
            settings["OnCall:PagerDuty:From"] = PagerDutyFrom;
        }
        return settings;
    }

    public IOnCallSource Source(string name) => Services.GetServices<IOnCallSource>().Single(s => s.Name == name);

    public IPager Pager(string name) => Services.GetServices<IPager>().Single(s => s.Name == name);

    public void Dispose()
    {
        Lookups.Dispose();
        Failures.Dispose();
        CacheHits.Dispose();
        _host.Dispose();
    }
}
