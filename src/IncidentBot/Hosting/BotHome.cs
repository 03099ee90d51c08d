namespace IncidentBot.Hosting;

/// <summary>
/// Finds the bot's home: the folder holding appsettings.json. From a clone that is the repository root, whether
/// the bot is started from there or from src/IncidentBot; a published build has its own copy beside the binary.
/// Started from outside the clone, a build still finds its clone's root. Relative paths in configuration
/// (data/, runbooks/) are taken from here.
/// </summary>
internal static class BotHome
{
    public static string? Locate(string[] args)
    {
        if (args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is not null
            || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is not null)
        {
            return null; // the operator chose
        }
        for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "appsettings.json")))
            {
                return folder.FullName;
            }
        }
        // Started from elsewhere: a build inside a clone still belongs to that clone's root.
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "IncidentBot.sln")) && File.Exists(Path.Combine(folder.FullName, "appsettings.json")))
            {
                return folder.FullName;
            }
        }
        return AppContext.BaseDirectory;
    }

    /// <summary>Resolves a configured path against the content root unless it is absolute.</summary>
    public static string Resolve(IHostEnvironment environment, string path) => Resolve(environment.ContentRootPath, path);

    /// <summary>Resolves a configured path against <paramref name="home"/> unless it is absolute.</summary>
    public static string Resolve(string home, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(home, path));
}
