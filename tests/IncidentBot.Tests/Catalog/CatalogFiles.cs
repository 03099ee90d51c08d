namespace IncidentBot.Tests.Catalog;

/// <summary>A throwaway catalog folder for a test, written file by file.</summary>
public sealed class CatalogFiles : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("catalog-").FullName;

    public CatalogFiles Write(string name, string yaml)
    {
        var path = Path.Combine(Folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
        return this;
    }

    public static string Component(string name, string owner = "payments", string annotations = "") => $"""
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        {(annotations.Length == 0 ? "" : "  annotations:\n" + string.Join("\n", annotations.Split('\n').Select(l => "    " + l)))}
        spec:
          type: service
          owner: {owner}

        """;

    public static string Group(string name, string annotations = "", string members = "[]") => $"""
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata:
          name: {name}
        {(annotations.Length == 0 ? "" : "  annotations:\n" + string.Join("\n", annotations.Split('\n').Select(l => "    " + l)))}
        spec:
          type: team
          children: []
          members: {members}

        """;

    public static string User(string name, string? email, string memberOf = "[]") => $"""
        apiVersion: backstage.io/v1alpha1
        kind: User
        metadata:
          name: {name}
        spec:
          profile:
            displayName: {name}
        {(email is null ? "" : $"    email: {email}")}
          memberOf: {memberOf}

        """;

    public static string Rota(string name, string zone = "Europe/Berlin", string handoff = "09:00", string every = "1w", string start = "2026-01-05", string members = "[a@example.com, b@example.com]", string overrides = "") => $"""
        apiVersion: incidentbot.io/v1
        kind: Rota
        metadata:
          name: {name}
        spec:
          timeZone: {zone}
          handoff: "{handoff}"
          every: {every}
          start: {start}
          members: {members}
        {overrides}
        """;

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
