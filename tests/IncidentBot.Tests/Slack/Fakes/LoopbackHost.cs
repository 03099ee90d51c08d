using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>Starts a bare Kestrel app on 127.0.0.1 with an OS-assigned port.</summary>
internal static class LoopbackHost
{
    public static async Task<(WebApplication App, int Port)> StartAsync(Action<WebApplication> configure)
    {
        // The empty builder ignores ASPNETCORE_* variables and appsettings that the bot under test may rely on.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRouting();
        var app = builder.Build();
        configure(app);
        await app.StartAsync();
        // Port 0 lets Kestrel pick a port atomically, so parallel tests never race for one.
        var address = app.Services.GetRequiredService<IServer>().Features
            .Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, new Uri(address).Port);
    }
}
