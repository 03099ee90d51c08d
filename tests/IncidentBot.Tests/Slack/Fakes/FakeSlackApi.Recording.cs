using IncidentBot.Tests.Infrastructure;
namespace IncidentBot.Tests.Slack.Fakes;

/// <summary>What the fake has been asked and what the workspace now holds, as snapshots safe to read while calls run.</summary>
public sealed partial class FakeSlackApi
{
    public IReadOnlyList<SlackCall> Calls => _state.Gate.Locked(() => _state.Calls.ToList());

    public IReadOnlyList<FakeChannel> Channels => _state.Gate.Locked(() => _state.Channels.Select(FakeSlackState.Snapshot).ToList());

    public IReadOnlyList<FakeEphemeral> Ephemerals =>
        _state.Gate.Locked(() => _state.Ephemerals.Select(e => e with { Blocks = FakeSlackState.Clone(e.Blocks) }).ToList());

    public IReadOnlyList<FakeView> Views =>
        _state.Gate.Locked(() => _state.Views.Select(v => v with { View = v.View.DeepClone().AsObject() }).ToList());

    /// <summary>How many HTTP 429 answers the fake has sent.</summary>
    public int RateLimitedResponses => _state.Gate.Locked(() => _state.RateLimitedResponses);

    public IReadOnlyList<SlackCall> CallsTo(string method) => _state.Gate.Locked(() => _state.Calls.FindAll(c => c.Method == method));

    public FakeChannel? FindChannel(string idOrName) =>
        _state.Gate.Locked(() => _state.FindChannel(idOrName) is { } channel ? FakeSlackState.Snapshot(channel) : null);

    /// <summary>The channel's messages in posting order, each with its current content and replaced versions.</summary>
    public IReadOnlyList<FakeMessage> MessagesIn(string channelIdOrName) => _state.Gate.Locked(() =>
        _state.FindChannel(channelIdOrName) is { } channel
            ? channel.Messages.Select(m => FakeSlackState.Snapshot(channel, m)).ToList()
            : []);

}
