namespace IncidentBot.Catalog;

/// <summary>
/// A Backstage entity reference, <c>[kind:][namespace/]name</c>: <c>group:default/team-a</c>, <c>team-a</c>,
/// <c>user:jdoe</c>. A missing kind or namespace takes the default of where the reference is written (a component's
/// <c>spec.owner</c> defaults to kind Group and to the component's own namespace). Compared ignoring case, as
/// Backstage compares them.
/// </summary>
public sealed record EntityRef(string Kind, string Namespace, string Name)
{
    public const string DefaultNamespace = "default";

    /// <summary>Reads <paramref name="text"/>; false (with why) when it is empty or has more than one <c>:</c> or <c>/</c>.</summary>
    public static bool TryParse(string? text, string defaultKind, string defaultNamespace, out EntityRef reference, out string problem)
    {
        reference = new(defaultKind, defaultNamespace, "");
        problem = "";
        var value = text?.Trim() ?? "";
        var kind = defaultKind;
        var ns = defaultNamespace;
        var colon = value.IndexOf(':');
        if (colon >= 0)
        {
            kind = value[..colon];
            value = value[(colon + 1)..];
        }
        var slash = value.IndexOf('/');
        if (slash >= 0)
        {
            ns = value[..slash];
            value = value[(slash + 1)..];
        }
        if (value.Length == 0 || kind.Length == 0 || ns.Length == 0 || value.IndexOfAny([':', '/']) >= 0 || value.Any(char.IsWhiteSpace))
        {
            problem = $"`{text}` is not an entity reference; write `[kind:][namespace/]name`, e.g. `group:default/team-a` or `team-a`";
            return false;
        }
        reference = new(kind.ToLowerInvariant(), ns.ToLowerInvariant(), value.ToLowerInvariant());
        return true;
    }

    /// <summary>The full form, <c>group:default/team-a</c>, as Backstage writes it.</summary>
    public override string ToString() => $"{Kind}:{Namespace}/{Name}";
}
