namespace IncidentBot.Runbooks;

/// <summary>Checks runbooks the way the bot loads them and prints <c>file:line: message</c> per problem.</summary>
internal static class RunbookLint
{
    public static int Run(string path, TextWriter output)
    {
        var folder = RunbookFolder.Read(path);
        foreach (var problem in folder.Problems)
        {
            var file = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.Combine(folder.Root, problem.File));
            output.WriteLine($"{file}:{problem.Line}: {problem.Message}");
        }
        var files = folder.Files.Count;
        output.WriteLine(folder.Problems.Count == 0
            ? $"{files} file(s), {folder.Runbooks.Count} runbook(s): no problems."
            : $"{files} file(s), {folder.Runbooks.Count} good runbook(s), {folder.Problems.Count} problem(s).");
        return folder.Problems.Count == 0 ? 0 : 1;
    }
}
