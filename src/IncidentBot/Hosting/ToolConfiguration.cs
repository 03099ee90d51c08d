using IncidentBot.Storage;
using IncidentBot.WebConsole;

namespace IncidentBot.Hosting;

/// <summary>
/// The settings a command-line tool needs, read the way the server reads them (appsettings.json in the bot's home,
/// then environment variables), so a tool run beside the bot, or inside its container, finds the same data file and
/// the same address.
/// </summary>
internal sealed class ToolConfiguration(string home, IConfiguration values)
{
    public static ToolConfiguration Load(string[] args)
    {
        var home = BotHome.Locate(args) ?? Directory.GetCurrentDirectory();
        var values = new ConfigurationBuilder()
            .SetBasePath(home)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            // The server reads ASPNETCORE_URLS and ASPNETCORE_HTTP_PORTS as `urls` and `http_ports`.
            .AddEnvironmentVariables("ASPNETCORE_")
            .Build();
        return new ToolConfiguration(home, values);
    }

    /// <summary>A path setting, relative to the bot's home unless absolute.</summary>
    public string Path(string key, string fallback) => BotHome.Resolve(home, values[key] ?? fallback);

    public string DataFile => Path($"{StorageOptions.Section}:{nameof(StorageOptions.Path)}", new StorageOptions().Path);

    /// <summary>The settings as read, for tools that need more than the few named here.</summary>
    public IConfiguration Values => values;

    public string? AccessToken => values[$"{WebConsoleOptions.Section}:{nameof(WebConsoleOptions.AccessToken)}"];

    /// <summary>The environment variable a tool's API token is read from (an <c>ibt_</c> token, see <c>tokens create</c>).</summary>
    public const string ApiTokenVariable = "INCIDENTBOT_API_TOKEN";

    /// <summary>
    /// What a tool sends the running bot as its bearer token: an API token from <see cref="ApiTokenVariable"/>, else
    /// the shared <c>WebConsole:AccessToken</c>. Once <c>Access</c> lists are set only the API token carries a role.
    /// </summary>
    public string? BearerToken => values[ApiTokenVariable] is { Length: > 0 } token ? token : AccessToken;

    /// <summary>
    /// Where the bot on this machine answers: its first configured address, with a wildcard or <c>localhost</c>
    /// host replaced by 127.0.0.1, because a tool talks to the bot beside it, never across the network.
    /// </summary>
    public Uri LocalAddress
    {
        get
        {
            var urls = (values["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var address = urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? urls.FirstOrDefault();
            if (address is null)
            {
                var port = (values["http_ports"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
                address = port is null ? DefaultAddressExtensions.Address : $"http://127.0.0.1:{port}";
            }
            var uri = new UriBuilder(address.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"));
            if (uri.Host is "0.0.0.0" or "[::]" or "::" || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                uri.Host = "127.0.0.1";
            }
            return new Uri(uri.Uri.GetLeftPart(UriPartial.Authority));
        }
    }
}
