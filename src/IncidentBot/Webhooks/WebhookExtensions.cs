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
        builder.Services.AddSingleton<WebhookAuthenticator>();
        return builder;
    }
}
