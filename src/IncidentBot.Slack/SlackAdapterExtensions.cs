using IncidentBot.Catalog;
using IncidentBot.Chat.Platforms;
using IncidentBot.Slack.Api;
using IncidentBot.Slack.Channels;
using IncidentBot.Slack.Inbound;
using IncidentBot.Slack.Messages;
using IncidentBot.Slack.SocketMode;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace IncidentBot.Slack;

/// <summary>Plugs the Slack adapter in; it stays off until <c>Slack:BotToken</c> is set.</summary>
public static class SlackAdapterExtensions
{
    public static IHostApplicationBuilder AddSlackAdapter(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.Section)
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.SigningSecret) || o.SocketMode,
                "Slack:BotToken is set, so Slack needs Slack:SigningSecret (to verify HTTP requests) or Slack:AppToken (Socket Mode).")
            .Validate(o => Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out _), "Slack:ApiBaseUrl must be an absolute URL, e.g. https://slack.com/api/.")
            .ValidateOnStart();
        var slack = builder.Configuration.GetSection(SlackOptions.Section).Get<SlackOptions>() ?? new SlackOptions();
        if (!slack.Enabled)
        {
            return builder;
        }
        var services = builder.Services;
        // One long-lived client whose pooled connections are recycled, so DNS changes are still seen.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<SlackWebApiClient>(sp,
            new HttpClient(new ChatApiMetricsHandler(sp.GetRequiredService<BotMetrics>(), "slack", new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }))
            {
                Timeout = TimeSpan.FromSeconds(15),
            }));
        services.AddSingleton<SlackTopic>();
        services.AddSingleton<SlackResponders>();
        services.AddSingleton<SlackOwningTeam>();
        services.TryAddSingleton<TeamCallOutcomes>();
        services.AddSingleton<SlackChannels>();
        services.AddSingleton<SlackUsers>();
        services.AddSingleton<SlackDeclareModal>();
        services.AddSingleton<SlackSignatureVerifier>();
        services.AddSingleton<SlackDeduplication>();
        services.AddSingleton<SlackInbound>();
        services.AddSingleton<SlackChannelProvisioner>();
        services.AddSingleton<IChatChannelProvisioner>(sp => sp.GetRequiredService<SlackChannelProvisioner>());
        services.AddSingleton<IChatMessageSender, SlackMessageSender>();
        services.AddSingleton<SlackWorkQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<SlackWorkQueue>());
        if (slack.SocketMode)
        {
            services.AddHostedService<SlackSocketModeClient>();
        }
        return builder;
    }
}
