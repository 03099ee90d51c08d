using IncidentBot.Alerts.Sources;

namespace IncidentBot.Webhooks;

/// <summary>Registers alert sources and the webhook intake.</summary>
internal static class WebhookExtensions
{
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .Validate(o => o.MaxBodyBytes > 0, "Webhooks:MaxBodyBytes must be a positive number of bytes.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IAlertNormalizer, AlertmanagerNormalizer>();
        builder.Services.AddSingleton<IAlertNormalizer, GenericNormalizer>();
        builder.Services.AddSingleton<IAlertNormalizer, GrafanaNormalizer>();
        builder.Services.AddSingleton<IAlertNormalizer, PagerDutyNormalizer>();
        builder.Services.AddSingleton<IAlertNormalizer, OpsgenieNormalizer>();
        builder.Services.AddSingleton<IWebhookSignatureVerifier, GrafanaSignatureVerifier>();
        builder.Services.AddSingleton<IWebhookSignatureVerifier, PagerDutySignatureVerifier>();
        builder.Services.AddSingleton<IAlertNormalizer, DatadogNormalizer>();
        builder.Services.AddSingleton<IAlertNormalizer, AzureMonitorNormalizer>();
        builder.Services.AddSingleton<IAlertNormalizer, CloudWatchNormalizer>();

        // SNS: certificates are cached in the verifier, so it is one instance with its own long-lived client.
        builder.Services.AddOptions<SnsOptions>().BindConfiguration($"{WebhookOptions.Section}:Sources:cloudwatch");
        builder.Services.AddKeyedSingleton("sns", (_, _) => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(10) });
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<SnsSignatureVerifier>(sp, sp.GetRequiredKeyedService<HttpClient>("sns")));
        builder.Services.AddSingleton<IWebhookSignatureVerifier>(sp => sp.GetRequiredService<SnsSignatureVerifier>());
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<SnsSubscriptions>(sp, sp.GetRequiredKeyedService<HttpClient>("sns")));
        builder.Services.AddSingleton<WebhookAuthenticator>();
        return builder;
    }
}
