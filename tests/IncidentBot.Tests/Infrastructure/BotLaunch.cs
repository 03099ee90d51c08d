using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace IncidentBot.Tests.Infrastructure;

/// <summary>
/// How the built bot is started as a process of its own, the way it runs in production. Shared by the tests'
/// <see cref="BotProcess"/> and the storm benchmark (which compiles this file in), so both launch it alike.
/// </summary>
public static class BotLaunch
{
    /// <summary>
    /// Its own data file in <paramref name="dataFolder"/> (unless the settings choose another store), the given runbooks, and the given settings as environment
    /// variables (<c>:</c> or <c>__</c> between sections).
    /// </summary>
    public static ProcessStartInfo StartInfo(string hostAssembly, string runbooksFolder, string dataFolder, string urls, IEnumerable<KeyValuePair<string, string>>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dataFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostAssembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(urls);
        start.Environment["Storage__Path"] = Path.Combine(dataFolder, "incidentbot.db");
        start.Environment["Runbooks__Path"] = runbooksFolder;
        foreach (var (key, value) in settings ?? [])
        {
            start.Environment[key.Replace(":", "__")] = value;
        }
        return start;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
