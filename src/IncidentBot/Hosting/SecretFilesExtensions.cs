namespace IncidentBot.Hosting;

/// <summary>
/// Settings from files, one per key, as Kubernetes secret volumes and Docker secrets provide them: the folder
/// named by <c>Secrets:Path</c> holds files such as <c>Slack__BotToken</c> whose content is the value. They
/// take precedence over every other source, so a mounted secret always wins over a leftover variable.
/// </summary>
internal static class SecretFilesExtensions
{
    public const string PathKey = "Secrets:Path";

    public static IHostApplicationBuilder AddSecretFiles(this IHostApplicationBuilder builder)
    {
        var folder = builder.Configuration[PathKey];
        if (!string.IsNullOrWhiteSpace(folder))
        {
            // Optional here so a missing folder is reported with the other configuration problems, not thrown.
            builder.Configuration.AddKeyPerFile(Path.GetFullPath(folder), optional: true);
        }
        return builder;
    }

    /// <summary>The problem with <c>Secrets:Path</c>, if it names a folder that is not there.</summary>
    public static string? Problem(IConfiguration configuration) =>
        configuration[PathKey] is { Length: > 0 } folder && !Directory.Exists(folder)
            ? $"{PathKey}: the folder '{folder}' does not exist (it should hold one file per secret, e.g. Slack__BotToken)"
            : null;
}
