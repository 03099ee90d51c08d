using IncidentBot.Catalog.Rotas;
using IncidentBot.OnCall;

namespace IncidentBot.Catalog;

/// <summary>
/// The whole catalog as read from <c>Catalog:Path</c>: components, groups, users, systems and rotas, with every
/// problem found. Answers which component an alert is for, who owns it, who its people are and whom to ask who is
/// on call. Immutable: a reload builds a new one.
/// </summary>
public sealed class ServiceCatalog
{
    public static readonly ServiceCatalog Empty = new([], [], [], []);

    private readonly Dictionary<EntityRef, CatalogEntity> _byRef;
    private readonly Dictionary<string, CatalogUser> _usersByEmail;

    public ServiceCatalog(IReadOnlyList<CatalogEntity> entities, IReadOnlyList<Rota> rotas, IReadOnlyList<CatalogProblem> problems, IReadOnlyList<string> files)
    {
        _byRef = entities.GroupBy(e => e.Ref).ToDictionary(g => g.Key, g => g.First());
        Components = entities.OfType<CatalogComponent>().OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Ref.Namespace, StringComparer.Ordinal).ToList();
        Groups = entities.OfType<CatalogGroup>().ToList();
        Users = entities.OfType<CatalogUser>().ToList();
        Systems = entities.OfType<CatalogSystem>().ToList();
        Rotas = rotas;
        Problems = problems;
        Files = files;
        _usersByEmail = Users.Where(u => u.Email is not null).GroupBy(u => u.Email!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<CatalogComponent> Components { get; }
    public IReadOnlyList<CatalogGroup> Groups { get; }
    public IReadOnlyList<CatalogUser> Users { get; }
    public IReadOnlyList<CatalogSystem> Systems { get; }
    public IReadOnlyList<Rota> Rotas { get; }
    public IReadOnlyList<CatalogProblem> Problems { get; }

    /// <summary>The files read, relative to <see cref="Root"/>.</summary>
    public IReadOnlyList<string> Files { get; }

    public string Root { get; init; } = "";

    public CatalogEntity? Find(EntityRef reference) => _byRef.GetValueOrDefault(reference);

    /// <summary>
    /// A component by its name (<c>checkout</c>, any case) or full reference (<c>component:shop/checkout</c>); a bare
    /// name prefers the default namespace.
    /// </summary>
    public CatalogComponent? FindComponent(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        if ((name.Contains(':') || name.Contains('/')) && EntityRef.TryParse(name, "component", EntityRef.DefaultNamespace, out var reference, out _))
        {
            return Find(reference) as CatalogComponent;
        }
        var matches = Components.Where(c => string.Equals(c.Name, name.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.FirstOrDefault(c => c.Ref.Namespace == EntityRef.DefaultNamespace) ?? matches.FirstOrDefault();
    }

    public Rota? FindRota(string name) => Rotas.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));

    public CatalogUser? FindUserByEmail(string? email) => email is null ? null : _usersByEmail.GetValueOrDefault(email);

    /// <summary>The User named <paramref name="name"/> (a handle, ignoring case), in the default namespace first.</summary>
    public CatalogUser? FindUserByName(string name)
    {
        var matches = Users.Where(u => string.Equals(u.Name, name.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.FirstOrDefault(u => u.Ref.Namespace == EntityRef.DefaultNamespace) ?? matches.FirstOrDefault();
    }

    /// <summary>The Group that owns <paramref name="component"/>; null when it is owned by a User or by nobody known.</summary>
    public CatalogGroup? OwningGroup(CatalogComponent component) => component.Owner is { } owner ? Find(owner) as CatalogGroup : null;

    /// <summary>
    /// The people of a group: the Users its <c>spec.members</c> name and the Users whose <c>spec.memberOf</c> names
    /// it (Backstage keeps both sides of the relation), each once, in name order.
    /// </summary>
    public IReadOnlyList<CatalogUser> PeopleOf(CatalogGroup group) =>
        group.Members.Select(Find).OfType<CatalogUser>()
            .Concat(Users.Where(u => u.MemberOf.Contains(group.Ref)))
            .DistinctBy(u => u.Ref)
            .OrderBy(u => u.Shown, StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>The people who own a component: its Group's people, or the one User that owns it.</summary>
    public IReadOnlyList<CatalogUser> PeopleOf(CatalogComponent component) => component.Owner is { } owner
        ? Find(owner) switch
        {
            CatalogGroup group => PeopleOf(group),
            CatalogUser user => [user],
            _ => [],
        }
        : [];

    /// <summary>
    /// Whom to ask who is on call for <paramref name="component"/>: its own targets, then its owning Group's (which
    /// serve every component of the group, first when the component names none); the fallback commander is the
    /// component's, else the Group's.
    /// </summary>
    public OnCallRequest OnCallRequestFor(CatalogComponent component, string? reporter)
    {
        var group = OwningGroup(component);
        var targets = component.Routing.OnCallTargets.Concat(group?.Routing.OnCallTargets ?? []).Distinct().ToList();
        var fallback = component.Routing.FallbackCommanderEmail ?? group?.Routing.FallbackCommanderEmail;
        return new OnCallRequest(targets, fallback, reporter);
    }

    /// <summary>
    /// False when no alert can match a component (the catalog has none, as when none is configured): the workers that
    /// look up an incident's component from its first alert then have nothing to read.
    /// </summary>
    public bool CanMatchAlerts => Components.Count > 0;

    /// <summary>
    /// The component an alert with <paramref name="labels"/> is for: among components with an
    /// <c>incidentbot.io/alert-selector</c>, the one whose selector matches with the most matchers; else a component
    /// without a selector whose name is the alert's <c>service</c> label. Null when none is.
    /// </summary>
    public CatalogComponent? MatchAlert(IReadOnlyDictionary<string, string> labels)
    {
        var selected = Components.Where(c => c.Routing.Selector?.Matches(labels) == true)
            .OrderByDescending(c => c.Routing.Selector!.Matchers.Count)
            .FirstOrDefault();
        if (selected is not null)
        {
            return selected;
        }
        if (!labels.TryGetValue("service", out var service) || string.IsNullOrWhiteSpace(service))
        {
            return null;
        }
        var byName = Components.Where(c => c.Routing.Selector is null && string.Equals(c.Name, service.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return byName.FirstOrDefault(c => c.Ref.Namespace == EntityRef.DefaultNamespace) ?? byName.FirstOrDefault();
    }
}
