namespace IncidentBot.Tests.Infrastructure;

/// <summary>The shared, published payloads in <c>../shared/fixtures</c> beside the repository.</summary>
public static class Fixtures
{
    public static string Root { get; } = Locate();

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    /// <summary>The file's exact bytes, for checks such as signatures that a text round trip could upset.</summary>
    public static byte[] ReadBytes(string relativePath) => File.ReadAllBytes(Path.Combine(Root, relativePath));

    public static IEnumerable<string> Files(string folder) =>
        Directory.GetFiles(Path.Combine(Root, folder), "*.json").Order().Select(f => Path.GetRelativePath(Root, f));

    private static string Locate()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(folder.FullName, "shared", "fixtures"), Path.Combine(folder.FullName, "..", "shared", "fixtures") })
            {
                if (Directory.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }
        throw new DirectoryNotFoundException("shared/fixtures was not found beside the repository; the tests need it.");
    }
}
