namespace IncidentBot.Catalog;

/// <summary>One problem in the catalog, at its file (relative to <c>Catalog:Path</c>) and line.</summary>
public sealed record CatalogProblem(string File, int Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}

/// <summary>What every catalog entity has: its reference, its names, where it was read and its annotations.</summary>
public abstract record CatalogEntity
{
    public required EntityRef Ref { get; init; }

    /// <summary><c>metadata.name</c> as written.</summary>
    public required string Name { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public required string File { get; init; }

    /// <summary>The line of <c>metadata.name</c> (or of the document when it has none).</summary>
    public required int Line { get; init; }
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>Lines of fields that hold references (<c>spec.owner</c>, <c>spec.members</c>, …), for problems about them.</summary>
    public IReadOnlyDictionary<string, int> Lines { get; init; } = new Dictionary<string, int>();

    public int LineOf(string field) => Lines.TryGetValue(field, out var line) ? line : Line;
}

/// <summary>A <c>kind: Component</c>: a service incidents happen to.</summary>
public sealed record CatalogComponent : CatalogEntity
{
    /// <summary><c>spec.owner</c>: a Group (the default kind) or a User.</summary>
    public EntityRef? Owner { get; init; }
    public EntityRef? System { get; init; }
    public string? Type { get; init; }
    public string? Lifecycle { get; init; }
    public CatalogRouting Routing { get; init; } = CatalogRouting.None;
}

/// <summary>A <c>kind: Group</c>: a team, with its members and its own on-call annotations.</summary>
public sealed record CatalogGroup : CatalogEntity
{
    public string? DisplayName { get; init; }
    public string? Email { get; init; }

    /// <summary><c>spec.members</c> (Users); Users naming this group in <c>spec.memberOf</c> are members too.</summary>
    public IReadOnlyList<EntityRef> Members { get; init; } = [];
    public CatalogRouting Routing { get; init; } = CatalogRouting.None;
}

/// <summary>A <c>kind: User</c>: a person, matched to chat and console accounts by <see cref="Email"/>.</summary>
public sealed record CatalogUser : CatalogEntity
{
    public string? DisplayName { get; init; }
    public string? Email { get; init; }
    public IReadOnlyList<EntityRef> MemberOf { get; init; } = [];

    /// <summary>The name to show: the display name, else the entity's name.</summary>
    public string Shown => DisplayName ?? Name;
}

/// <summary>A <c>kind: System</c>: a group of components.</summary>
public sealed record CatalogSystem : CatalogEntity
{
    public EntityRef? Owner { get; init; }
}
