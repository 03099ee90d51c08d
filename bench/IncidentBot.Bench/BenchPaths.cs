namespace IncidentBot.Bench;

/// <summary>The repository the bench runs from, and the shared fixtures beside it.</summary>
public static class BenchPaths
{
    public static string Root { get; } = Ancestors(AppContext.BaseDirectory)
        .FirstOrDefault(folder => File.Exists(Path.Combine(folder, "IncidentBot.sln")))
        ?? throw new DirectoryNotFoundException("IncidentBot.sln was not found above the bench binaries.");

    public static string Fixtures { get; } = Ancestors(Root)
        .Select(folder => Path.Combine(folder, "shared", "fixtures"))
        .FirstOrDefault(Directory.Exists)
        ?? throw new DirectoryNotFoundException("shared/fixtures was not found beside the repository; the storm is built from it.");

    /// <summary>The bot built in the same configuration (Debug or Release) as the bench itself.</summary>
    public static string BotAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var path = Path.Combine(Root, "src", "IncidentBot", "bin", configuration, "net10.0", "IncidentBot.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the bot first: {path} is missing.");
    }

    private static IEnumerable<string> Ancestors(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            yield return folder.FullName;
        }
    }
}
