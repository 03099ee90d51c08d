namespace IncidentBot.Rca;

/// <summary>The built-in RCA template: docs/rca-template.md, which documents its fields, embedded in the assembly.</summary>
internal static class RcaDefaultTemplate
{
    // Embedded rather than read from docs/ at run time so the bot works wherever it is deployed.
    public static string Text { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(RcaDefaultTemplate).Assembly.GetManifestResourceStream("IncidentBot.Rca.rca-template.md")
            ?? throw new InvalidOperationException("The built-in RCA template is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
