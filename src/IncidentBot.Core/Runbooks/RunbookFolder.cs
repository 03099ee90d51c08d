namespace IncidentBot.Runbooks;

/// <summary>Everything read from a runbook folder (or one file): the good runbooks and every problem found.</summary>
public sealed record RunbookFolder(IReadOnlyList<Runbook> Runbooks, IReadOnlyList<RunbookProblem> Problems, IReadOnlyList<string> Files)
{
    public static readonly RunbookFolder Empty = new([], [], []);

    /// <summary>The folder that <see cref="Files"/> and each problem's file are relative to.</summary>
    public string Root { get; init; } = "";

    /// <summary>Reads every <c>*.md</c> below <paramref name="path"/> (or the one file it names), in name order.</summary>
    public static RunbookFolder Read(string path)
    {
        string root;
        string[] files;
        if (File.Exists(path))
        {
            root = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            files = [System.IO.Path.GetFullPath(path)];
        }
        else if (Directory.Exists(path))
        {
            root = System.IO.Path.GetFullPath(path);
            files = Directory.GetFiles(root, "*.md", SearchOption.AllDirectories).Where(f => !IsReadme(f)).Order(StringComparer.Ordinal).ToArray();
        }
        else
        {
            return new([], [new RunbookProblem(path, 0, "no such file or folder")], []);
        }

        var runbooks = new List<Runbook>();
        var problems = new List<RunbookProblem>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var name = System.IO.Path.GetRelativePath(root, file);
            string markdown;
            try
            {
                markdown = File.ReadAllText(file);
            }
            catch (IOException ex)
            {
                problems.Add(new(name, 0, $"cannot be read: {ex.Message}"));
                continue;
            }
            var (runbook, fileProblems) = RunbookParser.Parse(markdown, name);
            problems.AddRange(fileProblems);
            if (runbook is null)
            {
                continue;
            }
            if (ids.TryGetValue(runbook.Id, out var first))
            {
                problems.Add(new(name, RunbookParser.IdLine(markdown), $"duplicate id `{runbook.Id}`: {first} already uses it"));
                continue;
            }
            ids[runbook.Id] = name;
            runbooks.Add(runbook);
        }
        return new(runbooks, problems, files.Select(f => System.IO.Path.GetRelativePath(root, f)).ToList()) { Root = root };
    }

    private static bool IsReadme(string file) => System.IO.Path.GetFileName(file).Equals("README.md", StringComparison.OrdinalIgnoreCase);
}
