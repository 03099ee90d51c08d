using IncidentBot.Catalog;
using IncidentBot.Chat.Platforms;
using IncidentBot.Teams.Api;
using IncidentBot.Teams.Channels;
using IncidentBot.Teams.Inbound;
using IncidentBot.Teams.Messages;
using IncidentBot.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace IncidentBot.Teams;

/// <summary>Plugs the Microsoft Teams adapter in; it stays off until <c>Teams:AppId</c> is set.</summary>
public static class TeamsAdapterExtensions
{
    public static IHostApplicationBuilder AddTeamsAdapter(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TeamsOptions>().BindConfiguration(TeamsOptions.Section)
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.AppPassword), "Teams:AppId is set, so Teams:AppPassword (the app's client secret) is required too.")
            .Validate(o => Uri.TryCreate(o.OpenIdMetadataUrl, UriKind.Absolute, out _), "Teams:OpenIdMetadataUrl must be an absolute URL.")
            .Validate(o => Uri.TryCreate(o.GraphBaseUrl, UriKind.Absolute, out _), "Teams:GraphBaseUrl must be an absolute URL.")
            .Validate(o => !o.Enabled || ServiceUrlAllowList.Prefixes(o) is not null,
                "Teams:AllowedServiceUrls must hold absolute http(s) URL prefixes without user name, query or fragment, e.g. https://smba.trafficmanager.net/.")
            .Validate(o => !o.Enabled || ServiceUrlAllowList.AllowsDefault(o), "Teams:DefaultServiceUrl must lie under one of Teams:AllowedServiceUrls.")
            .ValidateOnStart();
        var teams = builder.Configuration.GetSection(TeamsOptions.Section).Get<TeamsOptions>() ?? new TeamsOptions();
        if (!teams.Enabled)
        {
            return builder;
        }
        var services = builder.Services;
        // One long-lived client whose pooled connections are recycled, shared by every Teams-side call.
        services.AddKeyedSingleton(nameof(TeamsOptions), (sp, _) =>
            new HttpClient(new ChatApiMetricsHandler(sp.GetRequiredService<BotMetrics>(), "teams", new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }))
            {
                Timeout = TimeSpan.FromSeconds(20),
            });
        services.AddSingleton<ServiceUrlAllowList>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<BotTokenProvider>(sp, Http(sp)));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<BotConnectorClient>(sp, Http(sp)));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<TeamsGraphChannels>(sp, Http(sp)));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<BotFrameworkTokenValidator>(sp, Http(sp)));
        services.AddSingleton<TeamsConversations>();
        services.AddSingleton<TeamsMembers>();
        services.AddSingleton<TeamsInbound>();
        services.AddSingleton<TeamsChannelProvisioner>();
        services.AddSingleton<TeamsOwningTeam>();
        services.TryAddSingleton<TeamCallOutcomes>();
        services.AddSingleton<IChatChannelProvisioner>(sp => sp.GetRequiredService<TeamsChannelProvisioner>());
        services.AddSingleton<IChatMessageSender, TeamsMessageSender>();
        return builder;
    }

    private static HttpClient Http(IServiceProvider services) => services.GetRequiredKeyedService<HttpClient>(nameof(TeamsOptions));
}
