using IncidentBot.Incidents;
using IncidentBot.Catalog.Rotas;
using IncidentBot.Hosting;
using IncidentBot.OnCall;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IncidentBot.Catalog;

/// <summary>
/// The service catalog (<c>Catalog:Path</c>) and the built-in rota source, one of the sources the on-call directory
/// (<c>AddOnCall</c>) asks.
/// </summary>
internal static class CatalogExtensions
{
    public static IHostApplicationBuilder AddCatalog(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section)
            .PostConfigure<IHostEnvironment>((o, environment) => o.Path = string.IsNullOrWhiteSpace(o.Path) ? o.Path : BotHome.Resolve(environment, o.Path))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CatalogOptions>, CatalogOptionsValidation>();
        services.AddSingleton<CatalogLibrary>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOnCallSource, RotaOnCallSource>());
        services.AddSingleton<OnCallReplies>();
        services.AddSingleton<PageReplies>();
        // After an incident opens from an alert, in the background: the on-call person becomes commander.
        services.AddSingleton<OnCallCommander>();
        services.AddSingleton<IIncidentObserver>(sp => sp.GetRequiredService<OnCallCommander>());
        services.AddHostedService(sp => sp.GetRequiredService<OnCallCommander>());
        // Unaccepted within OnCall:AcceptWithin, the next level is asked: a sweep over the open incidents.
        services.AddHostedService<OnCallEscalations>();
        // Likewise: the owning team is invited or mentioned, and the service's runbooks offered when none matched.
        services.AddSingleton<OwningTeamNotifier>();
        services.TryAddSingleton<TeamCallOutcomes>();
        services.AddSingleton<IIncidentObserver>(sp => sp.GetRequiredService<OwningTeamNotifier>());
        services.AddHostedService(sp => sp.GetRequiredService<OwningTeamNotifier>());
        // Also a hosted service, so the catalog is read (and its problems logged) at start, not by the first page.
        services.AddHostedService(sp => sp.GetRequiredService<CatalogLibrary>());
        return builder;
    }
}
