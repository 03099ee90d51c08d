namespace IncidentBot.Catalog;

/// <summary>Checks a catalog the way the bot loads it and prints <c>file:line: message</c> per problem.</summary>
internal static class CatalogLint
{
    public const string Usage = "Usage: catalog lint [path]   (checks a catalog folder or one YAML file; exits 1 when it finds problems)";

    public static int Run(string path, TextWriter output)
    {
        var (catalog, _) = CatalogFolder.Read(path);
        foreach (var problem in catalog.Problems)
        {
            var file = catalog.Root.Length == 0 ? problem.File : Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.Combine(catalog.Root, problem.File));
            output.WriteLine($"{file}:{problem.Line}: {problem.Message}");
        }
        output.WriteLine(catalog.Problems.Count == 0
            ? $"{catalog.Files.Count} file(s): {catalog.Components.Count} component(s), {catalog.Groups.Count} group(s), {catalog.Users.Count} user(s), {catalog.Rotas.Count} rota(s): no problems."
            : $"{catalog.Files.Count} file(s): {catalog.Components.Count} component(s), {catalog.Groups.Count} group(s), {catalog.Users.Count} user(s), {catalog.Rotas.Count} rota(s); {catalog.Problems.Count} problem(s).");
        return catalog.Problems.Count == 0 ? 0 : 1;
    }
}
