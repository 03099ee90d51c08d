using System.Net;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Deployment;

/// <summary>
/// The Dockerfile and manifests/kubernetes agree with each other and with the code: ports, probe paths, the data
/// path and its volume, every configuration key (the manifests themselves are in manifests/kubernetes/base). Docker cannot run here, so these checks stand in for a build.
/// </summary>
public sealed class DeploymentManifestTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "manifests", "kubernetes");
    private static readonly string Base = Path.Combine(Folder, "base");
    private static readonly Dockerfile Docker = Dockerfile.Load(Path.Combine(RepositoryPaths.Root, "Dockerfile"));
    private static readonly YamlNode Deployment = BaseManifest("deployment.yaml");
    private static readonly YamlNode Pod = Deployment["spec"]["template"]["spec"];
    private static readonly YamlNode Container = Pod["containers"].Named("incidentbot");
    private static readonly Dictionary<string, string> Config = BaseManifest("configmap.yaml")["data"].Entries.ToDictionary(e => e.Key, e => e.Value.Text);

    [Fact]
    public async Task ProbesAskTheHealthEndpointsTheBotServes()
    {
        using var app = new IncidentBotApplication();
        var client = app.CreateClient();
        await Eventually.TrueAsync(async () => (await client.GetAsync("/readyz")).IsSuccessStatusCode, "the bot to become ready");

        foreach (var (probe, path) in new[] { ("livenessProbe", "/healthz"), ("startupProbe", "/healthz"), ("readinessProbe", "/readyz") })
        {
            var get = Container[probe]["httpGet"];
            Assert.Equal(path, get["path"].Text);
            Assert.Equal(ContainerPort, PortNumber(get["port"]));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        }
    }

    [Fact]
    public void EveryPortIsTheOneTheBotListensOn()
    {
        Assert.Equal(8080, ContainerPort);
        Assert.Equal(ContainerPort, new Uri(Config["ASPNETCORE_URLS"].Replace("+", "localhost")).Port);
        Assert.Equal(Config["ASPNETCORE_URLS"], Docker.Runtime.Environment["ASPNETCORE_URLS"]);
        Assert.Equal($"{ContainerPort}", Docker.Runtime.Arguments("EXPOSE").Single());
        var service = BaseManifest("service.yaml")["spec"]["ports"].Named("http");
        Assert.Equal(ContainerPort, PortNumber(service["targetPort"]));
    }

    [Fact]
    public void ContainerHealthCheckRunsTheBotsOwnCommandAgainstItsLivenessEndpoint()
    {
        var command = Docker.Runtime.ExecForm("HEALTHCHECK");
        var entrypoint = Docker.Runtime.ExecForm("ENTRYPOINT");

        Assert.Equal([.. entrypoint, "healthcheck", $"http://127.0.0.1:{ContainerPort}{Container["livenessProbe"]["httpGet"]["path"].Text}"], command);
        Assert.Equal(["dotnet", "/app/IncidentBot.dll"], entrypoint);
        Assert.Equal("/app", Docker.Runtime.Arguments("WORKDIR").Single());
    }

    [Fact]
    public void DataLivesOnThePersistentVolumeAndEverythingElseWrittenOnTmp()
    {
        var dataFolder = Path.GetDirectoryName(Config["Storage__Path"])!.Replace('\\', '/');
        Assert.Equal(Config["Storage__Path"], Docker.Runtime.Environment["Storage__Path"]);
        Assert.Equal(dataFolder, Docker.Runtime.Arguments("VOLUME").Single());
        Assert.Equal(dataFolder, Container["volumeMounts"].Items.Single(m => m["name"].Text == "data")["mountPath"].Text);
        Assert.Equal(Manifest("persistentvolumeclaim.yaml")["metadata"]["name"].Text, Pod["volumes"].Named("data")["persistentVolumeClaim"]["claimName"].Text);
        Assert.Equal("/tmp", Container["volumeMounts"].Items.Single(m => m["name"].Text == "tmp")["mountPath"].Text);
        Assert.NotNull(Pod["volumes"].Named("tmp").Find("emptyDir"));
        Assert.Equal(["data", "tmp"], Container["volumeMounts"].Items.Select(m => m["name"].Text).Order());
    }

    [Fact]
    public void RunbooksAreWhereTheImageCopiesThem()
    {
        Assert.Equal(Config["Runbooks__Path"], Docker.Runtime.Environment["Runbooks__Path"]);
        Assert.Contains("runbooks/ runbooks/", Docker.Runtime.Arguments("COPY"));
        Assert.Equal($"{Docker.Runtime.Arguments("WORKDIR").Single()}/runbooks", Config["Runbooks__Path"]);
    }

    [Fact]
    public void CatalogIsWhereTheImageCopiesIt()
    {
        Assert.Equal(Config["Catalog__Path"], Docker.Runtime.Environment["Catalog__Path"]);
        Assert.Contains("catalog/ catalog/", Docker.Runtime.Arguments("COPY"));
        Assert.Equal($"{Docker.Runtime.Arguments("WORKDIR").Single()}/catalog", Config["Catalog__Path"]);
    }

    [Fact]
    public void EveryEnvironmentKeyIsASettingTheBotReads()
    {
        var keys = Config.Keys
            .Concat(Manifest("secret.example.yaml")["stringData"].Entries.Select(e => e.Key))
            .Concat(Docker.Runtime.Environment.Keys)
            .Concat(Container.Find("env")?.Items.Select(e => e["name"].Text) ?? []);

        Assert.Empty(keys.Select(ConfigurationKeys.Problem).OfType<string>());
    }

    [Theory]
    [InlineData("Slack__BotToken", true)]
    [InlineData("Webhooks__Sources__alertmanager__BearerToken", true)]
    [InlineData("Incidents__ServiceLabels__0", true)]
    [InlineData("Logging__LogLevel__Default", true)]
    [InlineData("ConnectionStrings__IncidentBot", true)]
    [InlineData("ConnectionStrings__Other", false)]
    [InlineData("Slack__BotTokn", false)]
    [InlineData("Storage__File", false)]
    [InlineData("Slack", false)]
    [InlineData("Telemetry__Nonsense", false)]
    public void ConfigurationKeyCheckTellsRealKeysFromTypos(string variable, bool known) =>
        Assert.Equal(known, ConfigurationKeys.Problem(variable) is null);

    [Fact]
    public void SecretExampleHoldsPlaceholdersOnly()
    {
        var values = Manifest("secret.example.yaml")["stringData"].Entries.Select(e => e.Value.Text).ToList();

        Assert.Contains("WebConsole__AccessToken", Manifest("secret.example.yaml")["stringData"].Entries.Select(e => e.Key)); // required off loopback
        Assert.All(values, v => Assert.True(v == "" || v.StartsWith("REPLACE-"), $"`{v}` does not look like a placeholder"));
    }

    [Fact]
    public void EnvironmentComesFromTheConfigMapAndSecretDefinedHere()
    {
        var sources = Container["envFrom"].Items.ToList();

        Assert.Equal(BaseManifest("configmap.yaml")["metadata"]["name"].Text, sources.Single(s => s.Find("configMapRef") is not null)["configMapRef"]["name"].Text);
        Assert.Equal(Manifest("secret.example.yaml")["metadata"]["name"].Text, sources.Single(s => s.Find("secretRef") is not null)["secretRef"]["name"].Text);
    }

    [Fact]
    public void OneReplicaIsReplacedNeverRolled()
    {
        Assert.Equal("1", Deployment["spec"]["replicas"].Text);
        Assert.Equal("Recreate", Deployment["spec"]["strategy"]["type"].Text);
        Assert.Equal(["ReadWriteOnce"], Manifest("persistentvolumeclaim.yaml")["spec"]["accessModes"].Items.Select(m => m.Text));
    }

    [Fact]
    public void KubernetesWaitsLongerThanTheBotTakesToStopGracefully()
    {
        var grace = TimeSpan.FromSeconds(int.Parse(Deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"].Text!, System.Globalization.CultureInfo.InvariantCulture));
        // The bot drains within the host's shutdown timeout; SIGKILL before that would cut the drain short.
        Assert.True(grace > new Microsoft.Extensions.Hosting.HostOptions().ShutdownTimeout + TimeSpan.FromSeconds(5), $"terminationGracePeriodSeconds is {grace.TotalSeconds}");
    }

    [Fact]
    public void ContainerRunsLockedDownAsTheImagesUser()
    {
        var container = Container["securityContext"];
        Assert.Equal("true", container["runAsNonRoot"].Text);
        Assert.Equal("true", container["readOnlyRootFilesystem"].Text);
        Assert.Equal("false", container["allowPrivilegeEscalation"].Text);
        Assert.Equal(["ALL"], container["capabilities"]["drop"].Items.Select(c => c.Text));
        // USER $APP_UID in the Dockerfile: the aspnet images' `app` user is 1654.
        Assert.Equal("$APP_UID", Docker.Runtime.Arguments("USER").Single());
        Assert.Equal("1654", Pod["securityContext"]["runAsUser"].Text);
        Assert.Equal("1654", Pod["securityContext"]["fsGroup"].Text);
        foreach (var kind in new[] { "requests", "limits" })
        {
            Assert.NotNull(Container["resources"][kind].Find("cpu"));
            Assert.NotNull(Container["resources"][kind].Find("memory"));
        }
    }

    [Fact]
    public void ImageIsBuiltWithTheSdkAndRunsOnTheAspNetRuntime()
    {
        Assert.Equal(["mcr.microsoft.com/dotnet/sdk:10.0", "mcr.microsoft.com/dotnet/aspnet:10.0"], Docker.Stages.Select(s => s.Image));
        var build = Docker.Stages[0];
        Assert.All(build.CopiedFromContext.Concat(Docker.Runtime.CopiedFromContext), source =>
            Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, source)) || Directory.Exists(Path.Combine(RepositoryPaths.Root, source)), $"COPY {source}: no such file"));
        // Every project the host builds from has its project file copied before the restore.
        var projects = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepositoryPaths.Root, p).Replace('\\', '/'));
        Assert.All(projects, p => Assert.Contains(p, build.CopiedFromContext));
    }

    [Fact]
    public void FilesTheProjectsTakeFromOutsideSrcAreCopiedAndNotIgnored()
    {
        var ignore = DockerIgnore.Load(Path.Combine(RepositoryPaths.Root, ".dockerignore"));
        var outside = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .SelectMany(project => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(project), @"Include=""(\.\.[\\/]\.\.[\\/][^""]+)""")
                .Select(m => Path.GetRelativePath(RepositoryPaths.Root, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, m.Groups[1].Value.Replace('\\', '/'))))))
            .ToList();

        Assert.Equal(["appsettings.json", "docs/goalert/create-alert.graphql", "docs/goalert/schedule-shifts.graphql", "docs/goalert/service-oncall-users.graphql", "docs/rca-template.md"], outside.Order(StringComparer.Ordinal));
        Assert.All(outside, file => Assert.Contains(Docker.Stages[0].CopiedFromContext, source => source == file));
        Assert.All(Docker.Stages.SelectMany(s => s.CopiedFromContext), source => Assert.False(ignore.Excludes(source), $".dockerignore leaves out {source}"));
        Assert.True(ignore.Excludes("src/IncidentBot/bin/Debug/net10.0/IncidentBot.dll"));
        Assert.True(ignore.Excludes("data/incidentbot.db"));
    }

    [Fact]
    public void MaintenancePodSharesTheBotsImageSettingsVolumeAndLockDown()
    {
        var pod = Manifest("maintenance-pod.yaml")["spec"];
        var container = pod["containers"].Items.Single();

        Assert.Equal(Container["image"].Text, container["image"].Text);
        Assert.Equal(Container["envFrom"].Canonical, container["envFrom"].Canonical);
        Assert.Equal(Container["volumeMounts"].Canonical, container["volumeMounts"].Canonical);
        Assert.Equal(Pod["volumes"].Canonical, pod["volumes"].Canonical);
        Assert.Equal(Container["securityContext"].Canonical, container["securityContext"].Canonical);
        Assert.Equal(Pod["securityContext"].Canonical, pod["securityContext"].Canonical);
    }

    [Fact]
    public void KustomizationDeploysEverythingButTheExamplesAndTheMaintenancePod()
    {
        // The top level is the LiteDB deployment: the base's manifests and the data file's claim.
        var top = Manifest("kustomization.yaml");
        Assert.Equal(["base"], top["bases"].Items.Select(r => r.Text));
        Assert.Equal(["persistentvolumeclaim.yaml"], top["resources"].Items.Select(r => r.Text));
        var listed = BaseManifest("kustomization.yaml")["resources"].Items.Select(r => r.Text).Order();
        var files = Directory.GetFiles(Base, "*.yaml").Select(Path.GetFileName).Where(f => f is not "kustomization.yaml").Order();

        Assert.Equal(files, listed);
        Assert.Equal(Container["image"].Text.Split(':')[0], BaseManifest("kustomization.yaml")["images"].Items.Single()["name"].Text);
        Assert.Equal(["kustomization.yaml", "maintenance-pod.yaml", "persistentvolumeclaim.yaml", "secret.example.yaml"],
            Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).Order());
    }

    private static int ContainerPort => int.Parse(Container["ports"].Named("http")["containerPort"].Text);

    /// <summary>A probe or Service port: a number, or the name of one of the container's ports.</summary>
    private static int PortNumber(YamlNode port) =>
        int.TryParse(port.Text, out var number) ? number : int.Parse(Container["ports"].Named(port.Text)["containerPort"].Text);

    private static YamlNode Manifest(string name) => YamlNode.Load(Path.Combine(Folder, name));

    private static YamlNode BaseManifest(string name) => YamlNode.Load(Path.Combine(Base, name));
}
