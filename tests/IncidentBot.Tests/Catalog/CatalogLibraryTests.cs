using IncidentBot.Catalog;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Catalog;

/// <summary>The catalog reloads when a file changes; a broken save keeps the last good version and is logged with its line.</summary>
public sealed class CatalogLibraryTests : IDisposable
{
    private readonly CatalogFiles _files = new();
    private readonly FakeLogger<CatalogLibrary> _logger = new();

    private CatalogLibrary Start() => new(Options.Create(new CatalogOptions { Path = _files.Folder }), _logger);

    [Fact]
    public async Task EditIsPickedUpWithoutARestart()
    {
        _files.Write("org.yaml", CatalogFiles.Group("payments")).Write("c.yaml", CatalogFiles.Component("checkout"));
        using var library = Start();
        Assert.Equal(["checkout"], library.Current.Components.Select(c => c.Name));

        _files.Write("c.yaml", CatalogFiles.Component("checkout") + "---\n" + CatalogFiles.Component("cart"));

        await Eventually.TrueAsync(() => library.Current.Components.Count == 2, "the new component to be loaded");
        Assert.Equal(["cart", "checkout"], library.Current.Components.Select(c => c.Name));
    }

    [Fact]
    public async Task BrokenSaveKeepsTheLastGoodVersionAndIsLoggedWithItsLine()
    {
        _files.Write("org.yaml", CatalogFiles.Group("payments")).Write("c.yaml", CatalogFiles.Component("checkout", annotations: "incidentbot.io/oncall: pagerduty:schedule/P1"));
        using var library = Start();

        _files.Write("c.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: checkout\n  annotations: [oops\n");

        await Eventually.TrueAsync(() => library.Current.Problems.Count > 0, "the broken save to be noticed");
        var checkout = Assert.Single(library.Current.Components);
        Assert.Equal("pagerduty:schedule/P1", Assert.Single(checkout.Routing.OnCallTargets).ToString());
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains(Path.Combine(_files.Folder, "c.yaml") + ":6: not valid YAML"));
        Assert.Contains(library.Current.Problems, p => p.Message == "the last good version of this file is used until it is fixed");

        _files.Write("c.yaml", CatalogFiles.Component("checkout", annotations: "incidentbot.io/oncall: rota:payments") + "---\n" + CatalogFiles.Rota("payments"));
        await Eventually.TrueAsync(() => library.Current.Problems.Count == 0, "the fix to be loaded");
        Assert.Equal("rota:payments", Assert.Single(library.Current.Components[0].Routing.OnCallTargets).ToString());
    }

    [Fact]
    public void MissingFolderIsLoggedAndTheCatalogIsEmpty()
    {
        using var library = new CatalogLibrary(Options.Create(new CatalogOptions { Path = Path.Combine(_files.Folder, "nowhere") }), _logger);

        Assert.Empty(library.Current.Components);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("no such file or folder"));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("cata\0log", false)]
    [InlineData("catalog", true)]
    [InlineData("/srv/catalog-that-does-not-exist-yet", true)]
    public void PathOptionIsValidated(string path, bool valid)
    {
        Assert.Equal(valid, new CatalogOptionsValidation().Validate(null, new CatalogOptions { Path = path }).Succeeded);
    }

    [Fact]
    public void PathNamingAFileThatIsNotYamlIsRefused()
    {
        var file = Path.Combine(_files.Folder, "catalog.json");
        File.WriteAllText(file, "{}");

        var result = new CatalogOptionsValidation().Validate(null, new CatalogOptions { Path = file });

        Assert.Contains("is a file but not a YAML file", result.FailureMessage);
    }

    public void Dispose() => _files.Dispose();
}
