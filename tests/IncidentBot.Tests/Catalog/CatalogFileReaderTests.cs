using IncidentBot.Catalog;

namespace IncidentBot.Tests.Catalog;

/// <summary>One catalog file: what is read, what is skipped without a word, and every problem at its line.</summary>
public sealed class CatalogFileReaderTests
{
    private const string Component = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: checkout
        spec:
          owner: payments
        """;

    [Fact]
    public void SeveralDocumentsPerFileWithCommentsAndTrailingSeparator()
    {
        var file = CatalogFileReader.Read("""
            # leading comment
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: payments}
            spec: {type: team, children: [], members: [ann]}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata:
              name: ann
            spec:
              profile: {email: ann@example.com, displayName: Ann}
              memberOf: []
            ---
            """, "org.yaml");

        Assert.False(file.Broken);
        Assert.Empty(file.Problems);
        Assert.Equal(["payments", "ann"], file.Entities.Select(e => e.Name));
        Assert.Equal(11, file.Entities[1].Line);
    }

    [Theory]
    [InlineData("backstage.io/v1alpha1", "API")]
    [InlineData("backstage.io/v1alpha1", "Resource")]
    [InlineData("backstage.io/v1alpha1", "Domain")]
    [InlineData("backstage.io/v1alpha1", "Location")]
    [InlineData("scaffolder.backstage.io/v1beta3", "Template")]
    [InlineData("apps/v1", "Deployment")]
    [InlineData("v1", "ConfigMap")]
    public void OtherKindsAreSkippedWithoutAProblem(string apiVersion, string kind)
    {
        var file = CatalogFileReader.Read($"apiVersion: {apiVersion}\nkind: {kind}\nmetadata:\n  name: something\nspec:\n  type: x\n---\n{Component}", "mixed.yaml");

        Assert.Empty(file.Problems);
        Assert.Equal("checkout", Assert.Single(file.Entities).Name);
    }

    [Fact]
    public void BetaApiVersionOfBackstageIsReadToo()
    {
        var file = CatalogFileReader.Read(Component.Replace("v1alpha1", "v1beta1"), "c.yaml");
        Assert.IsType<CatalogComponent>(Assert.Single(file.Entities));
    }

    [Theory]
    [InlineData("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [broken\n", 5, "not valid YAML")]
    [InlineData("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n\tname: tab\n", 4, "not valid YAML")]
    [InlineData("a: 1\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\n  metadata: bad-indent\n", 5, "not valid YAML")]
    [InlineData("- just\n- a list\n", 1, "must be a map")]
    [InlineData("kind: Component\nmetadata:\n  name: x\n", 1, "no `apiVersion`")]
    [InlineData("apiVersion: backstage.io/v1alpha1\nmetadata:\n  name: x\n", 1, "no `apiVersion` or no `kind`")]
    [InlineData("apiVersion: backstage.io/v1alpha1\nkind: Component\nspec:\n  owner: x\n", 1, "has no `metadata.name`")]
    [InlineData("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: bad name\n", 4, "is not a valid name")]
    [InlineData("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: -leading\n", 4, "is not a valid name")]
    [InlineData("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a--b\n", 4, "is not a valid name")]
    [InlineData("apiVersion: backstage.io/v1alpha1\nkind: Rota\nmetadata:\n  name: r\n", 1, "a Rota's `apiVersion` is `incidentbot.io/v1`")]
    [InlineData("apiVersion: incidentbot.io/v1\nkind: Schedule\nmetadata:\n  name: r\n", 2, "has one kind, `Rota`")]
    [InlineData("apiVersion: incidentbot.io/v2\nkind: Rota\nmetadata:\n  name: r\n", 1, "a Rota's `apiVersion` is `incidentbot.io/v1`")]
    public void FileThatCannotBeReadWholeIsBrokenWithTheLine(string yaml, int line, string message)
    {
        var file = CatalogFileReader.Read(yaml, "bad.yaml");

        Assert.True(file.Broken);
        var problem = Assert.Single(file.Problems);
        Assert.Equal(line, problem.Line);
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void NameOfSixtyFourCharactersIsTooLong()
    {
        Assert.True(CatalogFileReader.IsName(new string('a', 63)));
        Assert.False(CatalogFileReader.IsName(new string('a', 64)));
    }

    [Fact]
    public void BadValuesOutsideTheNameAreProblemsButTheEntityStays()
    {
        var file = CatalogFileReader.Read("""
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: checkout
              annotations:
                incidentbot.io/oncall: pager:P1
                incidentbot.io/fallback-commander: not-an-email
                nested: {not: text}
            spec:
              owner: "group:"
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata:
              name: ann
            spec:
              profile:
                email: ann-at-example
              memberOf: payments
            """, "c.yaml");

        Assert.False(file.Broken);
        Assert.Equal(2, file.Entities.Count);
        Assert.Equal(
        [
            "c.yaml:6: `incidentbot.io/oncall` `pager:P1` names no on-call source; write e.g. `pagerduty:escalation-policy/PABC123`, `opsgenie:schedule/ops`, `grafana-oncall:schedule/S1`, `goalert:service/<id>` or `rota:<name>`",
            "c.yaml:7: `incidentbot.io/fallback-commander` `not-an-email` must be one e-mail address, e.g. `lead@example.com`",
            "c.yaml:8: annotation `nested` must be a text value",
            "c.yaml:10: `spec.owner`: `group:` is not an entity reference; write `[kind:][namespace/]name`, e.g. `group:default/team-a` or `team-a`",
            "c.yaml:18: `spec.profile.email: ann-at-example` is not an e-mail address",
            "c.yaml:19: `spec.memberOf` must be a list of entity references, e.g. `[jdoe, user:default/asmith]`",
        ], file.Problems.OrderBy(p => p.Line).Select(p => p.ToString()));
    }

    [Fact]
    public void ManyAliasesDoNotBlowUp()
    {
        // A "billion laughs" document: the representation model shares aliased nodes instead of copying them.
        var yaml = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: lol\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + string.Concat(Enumerable.Range(1, 9).Select(i => $"  b{i}: &b{i} [{string.Join(", ", Enumerable.Repeat(i == 1 ? "*a" : $"*b{i - 1}", 10))}]\n"))
            + "spec:\n  owner: x\n";

        var file = CatalogFileReader.Read(yaml, "lol.yaml");

        Assert.Equal("lol", Assert.Single(file.Entities).Name);
    }

    [Fact]
    public void OversizedFileIsRefused()
    {
        var file = CatalogFileReader.Read(Component + "\n#" + new string('x', CatalogFileReader.MaxFileBytes), "huge.yaml");

        Assert.True(file.Broken);
        Assert.Contains("larger than 1024 KiB", Assert.Single(file.Problems).Message);
    }
}
