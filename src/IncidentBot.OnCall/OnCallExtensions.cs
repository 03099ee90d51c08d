using IncidentBot.OnCall.Pagers;
using IncidentBot.OnCall.Sources;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IncidentBot.OnCall;

/// <summary>
/// Plugs in who-is-on-call: the directory that walks a service's chain, and the PagerDuty, Opsgenie, Grafana OnCall
/// and GoAlert sources whose <c>OnCall:&lt;Source&gt;:ApiKey</c> is set. Other sources (the built-in rotas) register
/// themselves as <see cref="IOnCallSource"/>; the directory asks whichever carries a target's name.
/// </summary>
public static class OnCallExtensions
{
    /// <summary>The name of the one HTTP client every on-call source shares.</summary>
    public const string HttpClientName = "OnCall";

    public static IHostApplicationBuilder AddOnCall(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OnCallOptions>().BindConfiguration(OnCallOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OnCallOptions>, OnCallOptionsValidation>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OnCallMetrics>();
        services.AddKeyedSingleton(HttpClientName, (_, _) =>
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), AllowAutoRedirect = false })
            {
                // The directory gives up after OnCall:Timeout; this only ends calls nobody waits for any more.
                Timeout = TimeSpan.FromSeconds(30),
            });

        var settings = builder.Configuration.GetSection(OnCallOptions.Section).Get<OnCallOptions>() ?? new OnCallOptions();
        AddSource<PagerDutySource>(services, settings.PagerDuty.Enabled);
        AddSource<OpsgenieSource>(services, settings.Opsgenie.Enabled);
        AddSource<GrafanaOnCallSource>(services, settings.GrafanaOnCall.Enabled);
        AddSource<GoAlertSource>(services, settings.GoAlert.Enabled);

        // The pagers behind the page command; each says itself what it still needs when its settings are missing.
        AddPager<PagerDutyPager>(services);
        AddPager<OpsgeniePager>(services);
        AddPager<GrafanaOnCallPager>(services);
        AddPager<GoAlertPager>(services);

        // This directory replaces any stand-in registered before it; one registered later with TryAdd is not added.
        services.RemoveAll<IOnCallDirectory>();
        services.AddSingleton<IOnCallDirectory, OnCallDirectory>();
        return builder;
    }

    private static void AddSource<TSource>(IServiceCollection services, bool enabled)
        where TSource : class, IOnCallSource
    {
        if (enabled)
        {
            services.AddSingleton<IOnCallSource>(sp => ActivatorUtilities.CreateInstance<TSource>(sp, sp.GetRequiredKeyedService<HttpClient>(HttpClientName)));
        }
    }

    private static void AddPager<TPager>(IServiceCollection services)
        where TPager : class, IPager =>
        services.AddSingleton<IPager>(sp => ActivatorUtilities.CreateInstance<TPager>(sp, sp.GetRequiredKeyedService<HttpClient>(HttpClientName)));

    /// <summary>Every problem in the <c>OnCall</c> section at once, each naming its key.</summary>
    private sealed class OnCallOptionsValidation : IValidateOptions<OnCallOptions>
    {
        public ValidateOptionsResult Validate(string? name, OnCallOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
