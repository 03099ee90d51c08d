using System.Text.RegularExpressions;
using IncidentBot.Catalog.Rotas;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace IncidentBot.Catalog;

/// <summary>What one catalog file holds. <see cref="Broken"/>: something in it could not be read at all.</summary>
public sealed record CatalogFile(string Name, IReadOnlyList<CatalogEntity> Entities, IReadOnlyList<Rota> Rotas, IReadOnlyList<CatalogProblem> Problems, bool Broken);

/// <summary>
/// Reads one YAML file of Backstage descriptors (<c>apiVersion: backstage.io/v1alpha1</c>, kinds Component, System,
/// Group and User; several documents per file) and our Rotas (<c>apiVersion: incidentbot.io/v1</c>). Documents of
/// other kinds or API versions (API, Resource, Domain, Template, a Kubernetes manifest) are skipped without a word.
/// </summary>
public static partial class CatalogFileReader
{
    public const int MaxFileBytes = 1024 * 1024;
    public const string RotaApiVersion = "incidentbot.io/v1";

    private static readonly string[] BackstageKinds = ["Component", "System", "Group", "User"];

    public static CatalogFile Read(string yaml, string file)
    {
        var problems = new List<CatalogProblem>();
        var entities = new List<CatalogEntity>();
        var rotas = new List<Rota>();
        var broken = false;
        void Problem(int line, string message) => problems.Add(new(file, Math.Max(1, line), message));
        void Fatal(int line, string message)
        {
            broken = true;
            Problem(line, message);
        }

        if (yaml.Length > MaxFileBytes)
        {
            Fatal(1, $"the file is larger than {MaxFileBytes / 1024} KiB; split it into several files");
            return new(file, entities, rotas, problems, broken);
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            Fatal(ErrorLine(yaml, ex), $"not valid YAML: {Describe(ex)}");
            return new(file, entities, rotas, problems, broken);
        }

        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
            {
                continue; // an empty document, e.g. after a trailing `---`
            }
            var line = (int)document.RootNode.Start.Line;
            if (document.RootNode is not YamlMappingNode root)
            {
                Fatal(line, "each document must be a map with `apiVersion`, `kind`, `metadata` and `spec`");
                continue;
            }
            var apiVersion = Text(root, "apiVersion");
            var kind = Text(root, "kind");
            if (apiVersion is null || kind is null)
            {
                Fatal(line, "the document has no `apiVersion` or no `kind`");
                continue;
            }
            var isBackstage = apiVersion.StartsWith("backstage.io/", StringComparison.Ordinal);
            var isOurs = apiVersion.StartsWith("incidentbot.io/", StringComparison.Ordinal);
            if (kind == "Rota" && apiVersion != RotaApiVersion)
            {
                Fatal(LineOf(root, "apiVersion", line), $"a Rota's `apiVersion` is `{RotaApiVersion}`, not `{apiVersion}`");
                continue;
            }
            if (isOurs && kind != "Rota")
            {
                Fatal(LineOf(root, "kind", line), $"`{apiVersion}` has one kind, `Rota`, not `{kind}`");
                continue;
            }
            if (!(isBackstage && BackstageKinds.Contains(kind)) && !isOurs)
            {
                continue;
            }

            var metadata = Map(root, "metadata");
            var nameNode = metadata is null ? null : Node(metadata, "name");
            var name = (nameNode as YamlScalarNode)?.Value?.Trim();
            var nameLine = nameNode is null ? line : (int)nameNode.Start.Line;
            if (name is null || !IsName(name))
            {
                Fatal(nameLine, name is null
                    ? $"the {kind} has no `metadata.name`"
                    : $"`metadata.name: {name}` is not a valid name: 1 to 63 letters and digits, separated by single `-`, `_` or `.`");
                continue;
            }
            var ns = (metadata is null ? null : Text(metadata, "namespace")) ?? EntityRef.DefaultNamespace;
            var spec = Map(root, "spec");

            if (kind == "Rota")
            {
                if (RotaReader.Read(name, spec, file, nameLine, Fatal) is { } rota)
                {
                    rotas.Add(rota);
                }
                continue;
            }

            var annotations = Annotations(metadata, Problem);
            var lines = new Dictionary<string, int> { ["metadata.name"] = nameLine };
            foreach (var (key, value) in (IEnumerable<KeyValuePair<YamlNode, YamlNode>>?)spec?.Children ?? [])
            {
                lines[$"spec.{(key as YamlScalarNode)?.Value}"] = (int)value.Start.Line;
            }
            foreach (var (key, _) in (IEnumerable<KeyValuePair<YamlNode, YamlNode>>?)(metadata is null ? null : Map(metadata, "annotations"))?.Children ?? [])
            {
                lines[$"annotation:{(key as YamlScalarNode)?.Value}"] = (int)key.Start.Line;
            }
            var self = new EntityRef(kind.ToLowerInvariant(), ns.ToLowerInvariant(), name.ToLowerInvariant());
            EntityRef? Reference(YamlNode? node, string defaultKind, string field)
            {
                var text = (node as YamlScalarNode)?.Value;
                if (text is null)
                {
                    return null;
                }
                if (EntityRef.TryParse(text, defaultKind, self.Namespace, out var reference, out var why))
                {
                    return reference;
                }
                Problem(node is null ? nameLine : (int)node.Start.Line, $"`{field}`: {why}");
                return null;
            }
            List<EntityRef> References(YamlNode? node, string defaultKind, string field)
            {
                if (node is null)
                {
                    return [];
                }
                if (node is not YamlSequenceNode list)
                {
                    Problem((int)node.Start.Line, $"`{field}` must be a list of entity references, e.g. `[jdoe, user:default/asmith]`");
                    return [];
                }
                return list.Children.Select(c => Reference(c, defaultKind, field)).OfType<EntityRef>().ToList();
            }
            CatalogRouting Routing() => CatalogRouting.Read(annotations, (key, message) => Problem(lines.GetValueOrDefault($"annotation:{key}", nameLine), $"`{key}` {message}"));
            var profile = spec is null ? null : Map(spec, "profile");
            string? Email()
            {
                var email = profile is null ? null : Text(profile, "email");
                if (email is not null && !CatalogRouting.IsEmail(email))
                {
                    Problem(LineOf(profile!, "email", nameLine), $"`spec.profile.email: {email}` is not an e-mail address");
                    return null;
                }
                return email;
            }

            CatalogEntity entity = kind switch
            {
                "Component" => new CatalogComponent
                {
                    Ref = self,
                    Name = name,
                    File = file,
                    Line = nameLine,
                    Annotations = annotations,
                    Lines = lines,
                    Owner = Reference(spec is null ? null : Node(spec, "owner"), "group", "spec.owner"),
                    System = Reference(spec is null ? null : Node(spec, "system"), "system", "spec.system"),
                    Type = spec is null ? null : Text(spec, "type"),
                    Lifecycle = spec is null ? null : Text(spec, "lifecycle"),
                    Routing = Routing(),
                },
                "System" => new CatalogSystem
                {
                    Ref = self,
                    Name = name,
                    File = file,
                    Line = nameLine,
                    Annotations = annotations,
                    Lines = lines,
                    Owner = Reference(spec is null ? null : Node(spec, "owner"), "group", "spec.owner"),
                },
                "Group" => new CatalogGroup
                {
                    Ref = self,
                    Name = name,
                    File = file,
                    Line = nameLine,
                    Annotations = annotations,
                    Lines = lines,
                    DisplayName = profile is null ? null : Text(profile, "displayName"),
                    Email = Email(),
                    Members = References(spec is null ? null : Node(spec, "members"), "user", "spec.members"),
                    Routing = Routing(),
                },
                _ => new CatalogUser
                {
                    Ref = self,
                    Name = name,
                    File = file,
                    Line = nameLine,
                    Annotations = annotations,
                    Lines = lines,
                    DisplayName = profile is null ? null : Text(profile, "displayName"),
                    Email = Email(),
                    MemberOf = References(spec is null ? null : Node(spec, "memberOf"), "group", "spec.memberOf"),
                },
            };
            entities.Add(entity with
            {
                Title = metadata is null ? null : Text(metadata, "title"),
                Description = metadata is null ? null : Text(metadata, "description"),
            });
        }
        return new(file, entities, rotas, problems, broken);
    }

    /// <summary>Backstage's rule for <c>metadata.name</c>.</summary>
    public static bool IsName(string name) => NamePattern().IsMatch(name);

    private static Dictionary<string, string> Annotations(YamlMappingNode? metadata, Action<int, string> problem)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var node = metadata is null ? null : Node(metadata, "annotations");
        if (node is null)
        {
            return result;
        }
        if (node is not YamlMappingNode map)
        {
            problem((int)node.Start.Line, "`metadata.annotations` must map names to text values");
            return result;
        }
        foreach (var (key, value) in map.Children)
        {
            if (key is YamlScalarNode { Value: { } k } && value is YamlScalarNode { Value: var v })
            {
                result[k] = v ?? "";
            }
            else
            {
                problem((int)key.Start.Line, $"annotation `{(key as YamlScalarNode)?.Value}` must be a text value");
            }
        }
        return result;
    }

    private static YamlNode? Node(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static YamlMappingNode? Map(YamlMappingNode map, string key) => Node(map, key) as YamlMappingNode;

    private static string? Text(YamlMappingNode map, string key) => (Node(map, key) as YamlScalarNode)?.Value?.Trim() is { Length: > 0 } text ? text : null;

    private static int LineOf(YamlMappingNode map, string key, int fallback) => Node(map, key) is { } node ? (int)node.Start.Line : fallback;

    /// <summary>Where a YAML error is; YamlDotNet puts a tab used as indentation at line 1, so that one is looked for.</summary>
    private static int ErrorLine(string yaml, YamlException ex)
    {
        if (ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
        {
            var lines = yaml.Split('\n');
            var tabbed = Array.FindIndex(lines, l => l.TrimStart(' ').StartsWith('\t'));
            if (tabbed >= 0)
            {
                return tabbed + 1;
            }
        }
        return (int)ex.Start.Line;
    }

    private static string Describe(YamlException ex)
    {
        var message = ex.InnerException?.Message ?? ex.Message;
        var at = message.IndexOf("): ", StringComparison.Ordinal);
        return at >= 0 && message.StartsWith('(') ? message[(at + 3)..] : message;
    }

    [GeneratedRegex("^(?=.{1,63}$)[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
