using IncidentBot.Hosting;
using IncidentBot.Incidents;
using IncidentBot.Storage;

namespace IncidentBot.Rca;

/// <summary>Reviews: generated when incidents resolve, versioned, edited over HTTP.</summary>
internal static class RcaExtensions
{
    public static IHostApplicationBuilder AddRca(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RcaOptions>().BindConfiguration(RcaOptions.Section)
            .PostConfigure<IHostEnvironment>((o, environment) => o.TemplatePath = string.IsNullOrWhiteSpace(o.TemplatePath) ? null : BotHome.Resolve(environment, o.TemplatePath));
        builder.Services.AddSingleton<RcaService>();
        builder.Services.AddSingleton<RcaWriter>();
        builder.Services.AddSingleton<IIncidentObserver>(sp => sp.GetRequiredService<RcaWriter>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RcaWriter>());
        return builder;
    }
}
