using IncidentBot.Catalog.Rotas;

namespace IncidentBot.Catalog;

/// <summary>The checks that need the whole catalog: every reference names something, every person has an e-mail.</summary>
internal static class CatalogChecks
{
    public static IEnumerable<CatalogProblem> Find(ServiceCatalog catalog)
    {
        foreach (var component in catalog.Components)
        {
            if (component.Owner is null && !component.Lines.ContainsKey("spec.owner"))
            {
                yield return new(component.File, component.Line, $"component `{component.Name}` has no `spec.owner`; name the Group that owns it, e.g. `owner: team-a`");
            }
            else if (component.Owner is { } owner && catalog.Find(owner) is not (CatalogGroup or CatalogUser))
            {
                yield return new(component.File, component.LineOf("spec.owner"), $"unknown owner `{owner}`: no Group or User of that name in the catalog");
            }
            foreach (var problem in Routing(catalog, component, component.Routing))
            {
                yield return problem;
            }
        }
        foreach (var system in catalog.Systems.Where(s => s.Owner is { } owner && catalog.Find(owner) is not (CatalogGroup or CatalogUser)))
        {
            yield return new(system.File, system.LineOf("spec.owner"), $"unknown owner `{system.Owner}`: no Group or User of that name in the catalog");
        }
        foreach (var group in catalog.Groups)
        {
            foreach (var member in group.Members.Where(m => catalog.Find(m) is not CatalogUser))
            {
                yield return new(group.File, group.LineOf("spec.members"), $"unknown member `{member}`: no User of that name in the catalog");
            }
            foreach (var problem in Routing(catalog, group, group.Routing))
            {
                yield return problem;
            }
        }
        foreach (var user in catalog.Users)
        {
            foreach (var membership in user.MemberOf.Where(g => catalog.Find(g) is not CatalogGroup))
            {
                yield return new(user.File, user.LineOf("spec.memberOf"), $"unknown group `{membership}` in `spec.memberOf`: no Group of that name in the catalog");
            }
            if (user.Email is null)
            {
                yield return new(user.File, user.Line, $"user `{user.Name}` has no `spec.profile.email`: the bot matches people to Slack, Teams and console accounts by e-mail");
            }
        }
        foreach (var rota in catalog.Rotas)
        {
            foreach (var (later, earlier) in RotaReader.Overlaps(rota))
            {
                yield return new(rota.File, later.Line, $"rota `{rota.Name}`: this override overlaps the one at line {earlier.Line}; the later one wins where they overlap");
            }
        }
    }

    private static IEnumerable<CatalogProblem> Routing(ServiceCatalog catalog, CatalogEntity entity, CatalogRouting routing) =>
        routing.OnCallTargets.Where(t => t.Source == "rota" && catalog.FindRota(t.Id) is null).Select(t =>
            new CatalogProblem(entity.File, entity.LineOf($"annotation:{CatalogRouting.OnCall}"), $"`{CatalogRouting.OnCall}` names `rota:{t.Id}`, but there is no Rota `{t.Id}` in the catalog"));
}
