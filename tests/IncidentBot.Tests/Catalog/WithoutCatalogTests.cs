using IncidentBot.Catalog;
using IncidentBot.Incidents;
using IncidentBot.OnCall;
using IncidentBot.Runbooks;
using IncidentBot.Storage;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace IncidentBot.Tests.Catalog;

/// <summary>
/// The workers that look up an incident's catalog component from its first alert (the on-call commander, the owning
/// team) read nothing while the catalog has no components, as on a bot with no catalog configured: in an alert storm
/// that was two reads per incident opened, for an answer that could only be "no component". Once a catalog with
/// components is loaded, they look again.
/// </summary>
public sealed class WithoutCatalogTests : IDisposable
{
    private readonly CatalogFiles _files = new();
    private readonly IIncidentStore _store = Substitute.For<IIncidentStore>();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string> Workers => ["on-call commander", "owning team"];

    private IncidentChangeWorker Create(string worker, CatalogLibrary catalogs, IServiceProvider services) => worker switch
    {
        "on-call commander" => new OnCallCommander(_store, services, catalogs, Substitute.For<IOnCallDirectory>(), Options.Create(new OnCallOptions()), NullLogger<OnCallCommander>.Instance),
        _ => new OwningTeamNotifier(_store, services, catalogs,
            new RunbookLibrary(Options.Create(new RunbookOptions { Path = Path.Combine(_files.Folder, "no-runbooks") }), Substitute.For<IRunbookVersionStore>(), NullLogger<RunbookLibrary>.Instance),
            NullLogger<OwningTeamNotifier>.Instance),
    };

    private static Incident FromAlert(int number) => new() { Number = number, Title = $"alert {number}", GroupKey = $"generic/k{number}", Status = IncidentStatus.Triggered };

    [Theory]
    [MemberData(nameof(Workers))]
    public async Task NothingIsReadForIncidentsOpenedWhileTheCatalogHasNoComponents(string worker)
    {
        _store.FindAsync(Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns(call => FromAlert(call.Arg<int>()));
        // No first alert yet: the worker stops there, whatever the catalog holds.
        _store.FirstAlertOfAsync(Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns((IncidentAlert?)null);
        using var catalogs = new CatalogLibrary(Options.Create(new CatalogOptions { Path = _files.Folder }), NullLogger<CatalogLibrary>.Instance);
        await using var services = new ServiceCollection().BuildServiceProvider();
        using var observer = Create(worker, catalogs, services);
        await observer.StartAsync(CancellationToken.None);

        Assert.False(catalogs.Current.CanMatchAlerts);
        observer.IncidentsChanged([FromAlert(1), FromAlert(2)]);

        _files.Write("catalog.yaml", CatalogFiles.Group("payments") + "---\n" + CatalogFiles.Component("checkout-api"));
        catalogs.Reload();
        Assert.True(catalogs.Current.CanMatchAlerts);
        observer.IncidentsChanged([FromAlert(3)]);

        // One worker handles incidents in the order they changed: once INC-3 was looked at, INC-1 and INC-2 would have been.
        await Eventually.TrueAsync(() => _store.ReceivedCalls().Any(c => c.GetMethodInfo().Name == nameof(IIncidentStore.FirstAlertOfAsync)), "INC-3 looked at");
        await _store.Received(1).FirstAlertOfAsync(3, Arg.Any<CancellationToken>());
        await _store.DidNotReceive().FindAsync(Arg.Is<int>(n => n != 3), Arg.Any<CancellationToken>());
        await _store.DidNotReceive().FirstAlertOfAsync(Arg.Is<int>(n => n != 3), Arg.Any<CancellationToken>());
        await observer.StopAsync(CancellationToken.None);
    }
}
