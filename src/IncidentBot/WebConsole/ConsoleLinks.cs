using IncidentBot.Chat;
using Microsoft.Extensions.Options;

namespace IncidentBot.WebConsole;

/// <summary>Links into the web console at <c>WebConsole:PublicUrl</c>, for messages a chat platform cannot show whole.</summary>
internal sealed class ConsoleLinks(IOptions<WebConsoleOptions> options) : IConsoleLinks
{
    public string? Incident(int number) =>
        options.Value.PublicUrl is { Length: > 0 } root ? $"{root.TrimEnd('/')}/#/incidents/{number}" : null;
}
