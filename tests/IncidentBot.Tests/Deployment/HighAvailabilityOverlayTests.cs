using System.Diagnostics;
using IncidentBot.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace IncidentBot.Tests.Deployment;

/// <summary>
/// manifests/kubernetes/ha and ha-cloudnative-pg, rendered by the installed kubectl's own kustomize exactly as an
/// operator renders them (Debian 12's kubernetes-client is kubectl 1.20 with an old kustomize; a current kubectl has
/// a new one: the overlays use forms both understand). Checked on what comes out, not on the patches that go in.
/// </summary>
public sealed class HighAvailabilityOverlayTests
{
    public static TheoryData<string> Overlays => ["ha", "ha-cloudnative-pg"];

    [SkippableTheory]
    [MemberData(nameof(Overlays))]
    public async Task ThreeReplicasRollOneAtATimeWithABudgetAndSpreadOverNodes(string overlay)
    {
        var rendered = await RenderAsync(overlay);
        var deployment = rendered.Single(o => o["kind"].Text == "Deployment");
        var spec = deployment["spec"];

        Assert.Equal("3", spec["replicas"].Text);
        Assert.Equal("RollingUpdate", spec["strategy"]["type"].Text);
        Assert.Equal("0", spec["strategy"]["rollingUpdate"]["maxUnavailable"].Text);
        Assert.NotEqual("0", spec["strategy"]["rollingUpdate"]["maxSurge"].Text);

        // The budget covers the Deployment's pods and always leaves at least two of the three running.
        var budget = rendered.Single(o => o["kind"].Text == "PodDisruptionBudget")["spec"];
        Assert.Equal(spec["selector"]["matchLabels"].Canonical, budget["selector"]["matchLabels"].Canonical);
        Assert.Equal("1", budget["maxUnavailable"].Text);

        var pod = spec["template"]["spec"];
        var byNode = pod["topologySpreadConstraints"].Items.Single(c => c["topologyKey"].Text == "kubernetes.io/hostname");
        Assert.Equal("1", byNode["maxSkew"].Text);
        Assert.Equal(spec["selector"]["matchLabels"].Canonical, byNode["labelSelector"]["matchLabels"].Canonical);
    }

    [SkippableTheory]
    [MemberData(nameof(Overlays))]
    public async Task EveryReplicaIsProbedAndRunsOnPostgresWithNoDataVolume(string overlay)
    {
        var rendered = await RenderAsync(overlay);
        var pod = rendered.Single(o => o["kind"].Text == "Deployment")["spec"]["template"]["spec"];
        var container = pod["containers"].Named("incidentbot");

        Assert.Equal("/healthz", container["livenessProbe"]["httpGet"]["path"].Text);
        Assert.Equal("/healthz", container["startupProbe"]["httpGet"]["path"].Text);
        Assert.Equal("/readyz", container["readinessProbe"]["httpGet"]["path"].Text);

        // The store: postgres from the ConfigMap, the connection string from a Secret (never written in a manifest).
        var config = rendered.Single(o => o["kind"].Text == "ConfigMap");
        Assert.Equal(config["metadata"]["name"].Text, container["envFrom"].Items.Single(s => s.Find("configMapRef") is not null)["configMapRef"]["name"].Text);
        Assert.Equal("postgres", config["data"]["Storage__Provider"].Text);
        var connection = container["env"].Named("ConnectionStrings__IncidentBot");
        if (connection.Find("valueFrom") is { } from)
        {
            Assert.Equal("incidentbot-database", from["secretKeyRef"]["name"].Text);
        }
        else
        {
            Assert.Contains("Password=$(CNPG_PASSWORD)", connection["value"].Text);
            Assert.Equal("incidentbot-db-app", container["env"].Named("CNPG_PASSWORD")["valueFrom"]["secretKeyRef"]["name"].Text);
        }
        Assert.All(container["env"].Items.Select(e => e["name"].Text).Where(n => !n.StartsWith("CNPG_", StringComparison.Ordinal)),
            name => Assert.Null(ConfigurationKeys.Problem(name)));

        // No LiteDB data file: no claim rendered, no volume of the pod backed by one.
        Assert.DoesNotContain(rendered, o => o["kind"].Text == "PersistentVolumeClaim");
        Assert.All(pod["volumes"].Items, v => Assert.Null(v.Find("persistentVolumeClaim")));
    }

    [SkippableFact]
    public async Task CloudNativePgClusterIsTheDatabaseTheBotConnectsTo()
    {
        var rendered = await RenderAsync("ha-cloudnative-pg");
        var cluster = rendered.Single(o => o["kind"].Text == "Cluster");
        var container = rendered.Single(o => o["kind"].Text == "Deployment")["spec"]["template"]["spec"]["containers"].Named("incidentbot");

        Assert.Equal("postgresql.cnpg.io/v1", cluster["apiVersion"].Text);
        Assert.Equal("3", cluster["spec"]["instances"].Text);
        // The operator's Services and Secret are named after the cluster: <name>-rw (the primary) and <name>-app.
        var name = cluster["metadata"]["name"].Text;
        Assert.Contains($"Host={name}-rw;", container["env"].Named("ConnectionStrings__IncidentBot")["value"].Text);
        Assert.Contains($"Database={cluster["spec"]["bootstrap"]["initdb"]["database"].Text};", container["env"].Named("ConnectionStrings__IncidentBot")["value"].Text);
        Assert.Equal($"{name}-app", container["env"].Named("CNPG_USERNAME")["valueFrom"]["secretKeyRef"]["name"].Text);
        // Kubernetes expands $(NAME) only from variables listed before it.
        var names = container["env"].Items.Select(e => e["name"].Text).ToList();
        Assert.True(names.IndexOf("CNPG_PASSWORD") < names.IndexOf("ConnectionStrings__IncidentBot"));
    }

    [SkippableFact]
    public async Task TheOneReplicaLiteDbDeploymentStillRendersWithItsClaim()
    {
        var rendered = await RenderAsync("");
        var deployment = rendered.Single(o => o["kind"].Text == "Deployment");

        Assert.Equal("1", deployment["spec"]["replicas"].Text);
        Assert.Equal("Recreate", deployment["spec"]["strategy"]["type"].Text);
        var claim = rendered.Single(o => o["kind"].Text == "PersistentVolumeClaim")["metadata"]["name"].Text;
        Assert.Equal(claim, deployment["spec"]["template"]["spec"]["volumes"].Named("data")["persistentVolumeClaim"]["claimName"].Text);
        Assert.DoesNotContain(rendered, o => o["kind"].Text == "PodDisruptionBudget");
    }

    /// <summary><c>kubectl kustomize manifests/kubernetes/{folder}</c>: every object it prints.</summary>
    private static async Task<List<YamlNode>> RenderAsync(string folder)
    {
        var kubectl = FindKubectl();
        var start = new ProcessStartInfo(kubectl, ["kustomize", Path.Combine(RepositoryPaths.Root, "manifests", "kubernetes", folder)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize manifests/kubernetes/{folder} failed: {await stderr}");

        var objects = new List<YamlNode>();
        var parser = new Parser(new StringReader(await stdout));
        parser.Consume<StreamStart>();
        var deserializer = new DeserializerBuilder().Build();
        while (parser.Accept<DocumentStart>(out _))
        {
            var value = deserializer.Deserialize<object>(parser);
            var node = new YamlNode(value, $"{folder}[{objects.Count}]");
            // An empty document would be applied as an object without a kind, which kubectl apply refuses.
            Assert.NotNull(node.Find("kind"));
            objects.Add(node with { Path = $"{folder}/{node["kind"].Text}" });
        }
        return objects;
    }

    private static string FindKubectl()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "kubectl")).FirstOrDefault(File.Exists);
        if (found is not null)
        {
            return found;
        }
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "kubectl is not installed; .ci/run installs it (apt-get install -y kubernetes-client).");
        throw new SkipException("kubectl is not installed (apt-get install -y kubernetes-client)");
    }
}
