namespace IncidentBot.Tests.Infrastructure;

/// <summary>Folders of the repository the tests run from.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = Locate();

    private static string Locate()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "IncidentBot.sln")))
            {
                return folder.FullName;
            }
        }
        throw new DirectoryNotFoundException("IncidentBot.sln was not found above the test binaries.");
    }
}
