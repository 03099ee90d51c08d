using IncidentBot.Catalog.Rotas;

namespace IncidentBot.Catalog;

/// <summary>
/// Reads a catalog folder (every <c>*.yaml</c> and <c>*.yml</c> below it, <c>catalog-info.yaml</c> included) or one
/// file, then checks what only the whole catalog can tell: duplicate names, owners and members that name nothing,
/// rotas that do not exist, people without an e-mail.
/// </summary>
public static class CatalogFolder
{
    /// <summary>
    /// Reads <paramref name="path"/>. A file that cannot be read whole (bad YAML, an entity without a name, a bad
    /// rota) is replaced by its version in <paramref name="lastGood"/> when there is one, so one broken save does not
    /// take a team's services off the catalog; its problems are still reported.
    /// </summary>
    public static (ServiceCatalog Catalog, IReadOnlyDictionary<string, CatalogFile> Good) Read(string path, IReadOnlyDictionary<string, CatalogFile>? lastGood = null)
    {
        string root;
        string[] paths;
        if (File.Exists(path))
        {
            root = Path.GetDirectoryName(Path.GetFullPath(path))!;
            paths = [Path.GetFullPath(path)];
        }
        else if (Directory.Exists(path))
        {
            root = Path.GetFullPath(path);
            paths = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToArray();
        }
        else
        {
            return (new ServiceCatalog([], [], [new CatalogProblem(path, 0, "no such file or folder")], []), new Dictionary<string, CatalogFile>());
        }

        var files = new List<CatalogFile>();
        var good = new Dictionary<string, CatalogFile>(StringComparer.Ordinal);
        var problems = new List<CatalogProblem>();
        foreach (var full in paths)
        {
            var name = Path.GetRelativePath(root, full);
            CatalogFile file;
            try
            {
                var info = new FileInfo(full);
                file = info.Length > CatalogFileReader.MaxFileBytes
                    ? new(name, [], [], [new(name, 1, $"the file is larger than {CatalogFileReader.MaxFileBytes / 1024} KiB; split it into several files")], Broken: true)
                    : CatalogFileReader.Read(File.ReadAllText(full), name);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                file = new(name, [], [], [new(name, 0, $"cannot be read: {ex.Message}")], Broken: true);
            }
            problems.AddRange(file.Problems);
            if (file.Broken && lastGood?.GetValueOrDefault(name) is { } previous)
            {
                problems.Add(new(name, 1, "the last good version of this file is used until it is fixed"));
                file = previous;
            }
            if (!file.Broken)
            {
                good[name] = file;
            }
            files.Add(file);
        }

        var entities = Unique(files.SelectMany(f => f.Entities), e => e.Ref, e => (e.File, e.Line), e => $"duplicate {Kind(e)} `{e.Ref.Namespace}/{e.Name}`", problems);
        var rotas = Unique(files.SelectMany(f => f.Rotas), r => r.Name.ToLowerInvariant(), r => (r.File, r.Line), r => $"duplicate Rota `{r.Name}`", problems);
        var catalog = new ServiceCatalog(entities, rotas, [], []);
        problems.AddRange(CatalogChecks.Find(catalog));
        return (new ServiceCatalog(entities, rotas, Sorted(problems), paths.Select(p => Path.GetRelativePath(root, p)).ToList()) { Root = root }, good);
    }

    private static List<T> Unique<T, TKey>(IEnumerable<T> items, Func<T, TKey> key, Func<T, (string File, int Line)> where, Func<T, string> what, List<CatalogProblem> problems)
        where TKey : notnull
    {
        var seen = new Dictionary<TKey, T>();
        var result = new List<T>();
        foreach (var item in items)
        {
            if (seen.TryGetValue(key(item), out var first))
            {
                var (file, line) = where(item);
                var (firstFile, firstLine) = where(first);
                problems.Add(new(file, line, $"{what(item)}: {firstFile}:{firstLine} already defines it; this one is left out"));
                continue;
            }
            seen[key(item)] = item;
            result.Add(item);
        }
        return result;
    }

    private static string Kind(CatalogEntity entity) => entity switch
    {
        CatalogComponent => "Component",
        CatalogGroup => "Group",
        CatalogUser => "User",
        _ => "System",
    };

    private static List<CatalogProblem> Sorted(IEnumerable<CatalogProblem> problems) =>
        problems.Distinct().OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line).ToList();
}
