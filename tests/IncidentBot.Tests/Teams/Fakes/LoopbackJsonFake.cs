using IncidentBot.Tests.Infrastructure;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using LoopbackHost = IncidentBot.Tests.Slack.Fakes.LoopbackHost;

namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>The hosting the Connector and Graph fakes share: a loopback server whose every JSON request is answered and recorded under one lock.</summary>
public abstract class LoopbackJsonFake : IAsyncDisposable
{
    private WebApplication? _app;

    // Private protected keeps the plumbing out of the fakes' public surface, which tests read as the fake's API.
    private protected LoopbackJsonFake()
    {
    }

    /// <summary>Guards the fake's state, because requests and test code reach it concurrently.</summary>
    private protected Lock Gate { get; } = new();

    /// <summary>The port on 127.0.0.1, known once <see cref="ListenAsync"/> has returned.</summary>
    private protected int Port { get; private set; }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private protected async Task ListenAsync() =>
        (_app, Port) = await LoopbackHost.StartAsync(app => app.Map("/{**path}", HandleAsync));

    /// <summary>The query string of the request being answered; read only inside <see cref="Answer"/>.</summary>
    private protected IQueryCollection Query { get; private set; } = QueryCollection.Empty;

    /// <summary>Decides the answer to one request; runs under <see cref="Gate"/>.</summary>
    private protected abstract FakeAnswer Answer(string method, string path, string? token, JsonObject? body);

    /// <summary>Records a request after <see cref="Answer"/>, so the record shows any change the answer made to the body; runs under <see cref="Gate"/>.</summary>
    private protected abstract void Record(string method, string path, int status, JsonObject? body);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var body = await FakeAnswer.ReadJsonAsync(request);
        // Answering and recording under one lock keeps Calls in the order the state changed; the write waits for no lock.
        var answer = Gate.Locked(() =>
        {
            Query = request.Query;
            var answer = Answer(request.Method, path, FakeAnswer.BearerToken(request), body);
            Record(request.Method, path, answer.Status, body);
            return answer;
        });
        await answer.WriteAsync(context.Response);
    }
}
