using System.Text.Json;
using System.Text.RegularExpressions;

namespace IncidentBot.Tests.Deployment;

/// <summary>The repository's Dockerfile as stages of instructions, continuation lines joined, comments dropped.</summary>
public sealed partial class Dockerfile
{
    private Dockerfile(List<Stage> stages) => Stages = stages;

    public IReadOnlyList<Stage> Stages { get; }

    /// <summary>The last stage: the image that runs.</summary>
    public Stage Runtime => Stages[^1];

    public static Dockerfile Load(string file)
    {
        var text = ContinuationLine().Replace(File.ReadAllText(file), " ");
        var stages = new List<Stage>();
        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var space = line.IndexOf(' ');
            var (instruction, arguments) = (line[..space].ToUpperInvariant(), line[(space + 1)..].Trim());
            if (instruction == "FROM")
            {
                stages.Add(new Stage(arguments.Split(' ')[0], []));
            }
            stages[^1].Instructions.Add((instruction, arguments));
        }
        return new Dockerfile(stages);
    }

    /// <summary>One <c>FROM</c> and what follows it.</summary>
    public sealed record Stage(string Image, List<(string Instruction, string Arguments)> Instructions)
    {
        public IEnumerable<string> Arguments(string instruction) =>
            Instructions.Where(i => i.Instruction == instruction).Select(i => i.Arguments);

        /// <summary><c>ENV a=1 b=2</c> lines as one map (values here hold no spaces, so no quoting is needed).</summary>
        public Dictionary<string, string> Environment =>
            Arguments("ENV").SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(pair => pair.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        /// <summary>The exec form of an instruction such as <c>ENTRYPOINT ["dotnet", "…"]</c> or <c>HEALTHCHECK … CMD […]</c>.</summary>
        public string[] ExecForm(string instruction)
        {
            var arguments = Arguments(instruction).Single();
            return JsonSerializer.Deserialize<string[]>(arguments[arguments.IndexOf('[')..])!;
        }

        /// <summary>Sources of <c>COPY</c> from the build context (not from another stage).</summary>
        public IEnumerable<string> CopiedFromContext =>
            Arguments("COPY").Where(a => !a.StartsWith("--from")).SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]);
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex ContinuationLine();
}
