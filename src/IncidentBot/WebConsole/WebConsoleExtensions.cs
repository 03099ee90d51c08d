using IncidentBot.Chat;
using IncidentBot.Chat.Platforms;
using IncidentBot.Incidents;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary>The web console: a chat platform of its own, its live updates, its pages and its access rules.</summary>
internal static class WebConsoleExtensions
{
    public static IHostApplicationBuilder AddWebConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebConsoleOptions>().BindConfiguration(WebConsoleOptions.Section)
            .Validate(o => o.PublicUrl is null || Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https",
                "WebConsole:PublicUrl must be an absolute http(s) address, e.g. https://incidents.example.com/.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IConsoleLinks, ConsoleLinks>();
        builder.Services.AddSingleton<ConsoleEvents>();
        builder.Services.AddSingleton<IIncidentObserver>(sp => sp.GetRequiredService<ConsoleEvents>());
        builder.Services.AddSingleton<WebChatPlatform>();
        builder.Services.AddSingleton<IChatChannelProvisioner>(sp => sp.GetRequiredService<WebChatPlatform>());
        builder.Services.AddSingleton<IChatMessageSender>(sp => sp.GetRequiredService<WebChatPlatform>());
        return builder;
    }

    /// <summary>Access control first, then the console's static files (shipped beside the binary, no CDN).</summary>
    public static WebApplication UseWebConsole(this WebApplication app)
    {
        ConsoleAccess.RequireTokenOffLoopback(app.Configuration, app.Services.GetRequiredService<IOptions<WebConsoleOptions>>().Value);
        app.UseConsoleAccess();
        var files = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapLoginEndpoints();
        app.MapConsoleEndpoints();
        return app;
    }
}
