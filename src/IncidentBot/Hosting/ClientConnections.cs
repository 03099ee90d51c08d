using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace IncidentBot.Hosting;

/// <summary>
/// Counts each client's open TCP connections and closes a new one past <see cref="ClientLimitsOptions.MaxConnections"/>
/// at once, as Kestrel does past its global <c>MaxConcurrentConnections</c>. This runs before any HTTP is read, so it
/// also holds back idle keep-alive connections and slow request heads, which never reach the request pipeline.
/// </summary>
internal sealed class ClientConnections(IOptions<ClientLimitsOptions> options, ClientLimitLog log)
{
    private readonly Dictionary<IPAddress, int> _open = [];
    private readonly Lock _gate = new();

    public ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var max = options.Value.MaxConnections;
        if (max == 0 || ClientAddress.Of(connection.RemoteEndPoint) is not { } client)
        {
            await next(connection);
            return;
        }
        if (!TryOpen(client, max))
        {
            log.Refused(client, "connections", $"it already has {max} open connections (ClientLimits:MaxConnections); new ones are closed at once");
            return;
        }
        try
        {
            await next(connection);
        }
        finally
        {
            Close(client);
        }
    };

    private bool TryOpen(IPAddress client, int max)
    {
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(client);
            if (open >= max)
            {
                return false;
            }
            _open[client] = open + 1;
            return true;
        }
    }

    private void Close(IPAddress client)
    {
        lock (_gate)
        {
            if (_open[client] <= 1)
            {
                _open.Remove(client);
            }
            else
            {
                _open[client]--;
            }
        }
    }
}
