using IncidentBot.Access;
using IncidentBot.Drills;
using Microsoft.Extensions.Options;

namespace IncidentBot.Tests.Access;

/// <summary>
/// The one rule for roles (<see cref="AccessPolicy"/>): a token's role wins; else the highest <c>Access</c> list naming
/// the e-mail or a group, in any case; <c>Drills:Leads</c> still makes leads; with no list set everyone is a responder.
/// </summary>
public sealed class AccessPolicyTests
{
    /// <summary>Settings as configuration writes them: <c>Leads=a,b</c>; empty means not set.</summary>
    private static AccessPolicy Policy(string leads = "", string responders = "", string viewers = "", string drillLeads = "") =>
        new(Options.Create(new AccessOptions { Leads = List(leads), Responders = List(responders), Viewers = List(viewers) }),
            Options.Create(new DrillOptions { Leads = List(drillLeads) }));

    private static List<string> List(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries)];

    private static Actor Person(string name, string? email = null, string groups = "") =>
        new(name) { Email = email, Groups = List(groups), Platform = "console" };

    public static TheoryData<string, string, string, string, Actor, AccessRole?> Cases => new()
    {
        // E-mail, any case, either side.
        { "lead@example.com", "", "", "", Person("Lena", "lead@example.com"), AccessRole.Lead },
        { "Lead@Example.COM", "", "", "", Person("Lena", "lead@example.com"), AccessRole.Lead },
        { "lead@example.com", "", "", "", Person("Lena", "LEAD@EXAMPLE.COM"), AccessRole.Lead },
        { "", "rob@example.com", "", "", Person("Rob", "Rob@Example.com"), AccessRole.Responder },
        { "", "", "vera@example.com", "", Person("Vera", "vera@example.com"), AccessRole.Viewer },
        // Blanks around entries do not matter.
        { " lead@example.com ", "", "", "", Person("Lena", "lead@example.com"), AccessRole.Lead },
        // Groups, by name or id, any case.
        { "incident-leads", "", "", "", Person("Ann", "ann@example.com", "sre,incident-leads"), AccessRole.Lead },
        { "", "SRE", "", "", Person("Ann", "ann@example.com", "sre"), AccessRole.Responder },
        { "", "", "6f1c2b4e-0000-4000-8000-000000000001", "", Person("Ann", null, "6F1C2B4E-0000-4000-8000-000000000001"), AccessRole.Viewer },
        // Overlapping lists: the highest wins, whichever list names the e-mail or the group.
        { "leads", "sre", "everyone", "", Person("Ann", "ann@example.com", "everyone,sre"), AccessRole.Responder },
        { "leads", "sre", "everyone", "", Person("Ann", "ann@example.com", "everyone,sre,leads"), AccessRole.Lead },
        { "ann@example.com", "sre", "ann@example.com", "", Person("Ann", "ann@example.com", "sre"), AccessRole.Lead },
        { "", "ann@example.com", "sre", "", Person("Ann", "ann@example.com", "sre"), AccessRole.Responder },
        // In no list: no role. A name is not an e-mail or a group.
        { "lead@example.com", "sre", "everyone", "", Person("Mallory", "mallory@example.com", "contractors"), null },
        { "lead@example.com", "sre", "everyone", "", Person("lead@example.com"), null },
        { "lead@example.com", "sre", "everyone", "", Person("sre"), null },
        { "lead@example.com", "", "", "", Person("Lena", "lead@example.com.evil.test"), null },
        { "lead@example.com", "", "", "", Person("Lena", "ead@example.com"), null },
        { "lead@example.com", "", "", "", Person("Lena", ""), null },
        // No list set: as before roles existed. Everyone is a responder; Drills:Leads are leads by name or e-mail.
        { "", "", "", "", Person("anyone"), AccessRole.Responder },
        { "", "", "", "", Person("anyone", "anyone@example.com", "incident-leads"), AccessRole.Responder },
        { "", "", "", "lena", Person("lena"), AccessRole.Lead },
        { "", "", "", "@Lena", Person("LENA"), AccessRole.Lead },
        { "", "", "", "lena", Person("@lena"), AccessRole.Lead },
        { "", "", "", "U0123LENA", Person("U0123LENA"), AccessRole.Lead },
        { "", "", "", "lena@example.com", Person("Lena Example", "Lena@example.com"), AccessRole.Lead },
        { "", "", "", "lena", Person("bob"), AccessRole.Responder },
        { "", "", "", "lena", Person("lenaa"), AccessRole.Responder },
        // Drills:Leads beside Access lists still makes leads; everyone else needs a list.
        { "", "", "everyone", "lena", Person("lena"), AccessRole.Lead },
        { "", "", "everyone", "lena@example.com", Person("Lena", "lena@example.com"), AccessRole.Lead },
        { "", "", "everyone", "lena", Person("bob", "bob@example.com"), null },
        { "", "", "everyone", "lena", Person("bob", "bob@example.com", "everyone"), AccessRole.Viewer },
        // API tokens: the token's role wins over lists, Drills:Leads and the no-list default.
        { "", "", "", "", new Actor("token:ci") { Role = AccessRole.Viewer }, AccessRole.Viewer },
        { "", "", "", "token:ci", new Actor("token:ci") { Role = AccessRole.Responder }, AccessRole.Responder },
        { "lead@example.com", "", "", "", new Actor("token:ci") { Role = AccessRole.Responder, Email = "lead@example.com" }, AccessRole.Responder },
        { "lead@example.com", "", "", "", new Actor("token:ops") { Role = AccessRole.Lead }, AccessRole.Lead },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheRoleIsTheHighestGrantedAndNoneOutsideTheLists(string leads, string responders, string viewers, string drillLeads, Actor actor, AccessRole? expected)
    {
        var policy = Policy(leads, responders, viewers, drillLeads);

        Assert.Equal(expected, policy.RoleOf(actor));
        foreach (var needed in Enum.GetValues<AccessRole>())
        {
            Assert.Equal(expected >= needed, policy.Allows(actor, needed));
        }
    }

    [Theory]
    [InlineData(AccessRole.Viewer, "viewer", "Access:Viewers")]
    [InlineData(AccessRole.Responder, "responder", "Access:Responders")]
    [InlineData(AccessRole.Lead, "lead", "Access:Leads")]
    public void ARefusalNamesTheRoleItsListAndWhatToAskFor(AccessRole needed, string role, string key)
    {
        var configured = Policy(viewers: "nobody@example.com");
        var outsider = configured.Refusal(Person("bob", "bob@example.com"), needed, "note");
        Assert.StartsWith($"Sorry @bob, `note` needs the {role} role ({key})", outsider);
        Assert.Contains("bob@example.com is in none of Access:Viewers, Access:Responders or Access:Leads", outsider);
        Assert.Contains($"Ask an admin to add you (or a group of yours) to {key}", outsider);

        var token = configured.Refusal(new Actor("token:ci") { Role = AccessRole.Viewer }, needed, "note");
        Assert.Contains("this API token has the viewer role", token);
    }

    [Fact]
    public void WithoutListsOnlyTheLeadRoleCanBeMissingAndTheRefusalSaysWhereLeadsAreNamed()
    {
        Assert.Equal("Sorry @bob, `drill run` needs the lead role (Access:Leads), and no lead is configured yet: an admin names leads in Access:Leads.",
            Policy().Refusal(Person("bob"), AccessRole.Lead, "drill run"));
        Assert.Equal("Sorry @bob, `drill run` needs the lead role (Access:Leads): an admin names leads in Access:Leads (or the older Drills:Leads).",
            Policy(drillLeads: "lena").Refusal(Person("@bob"), AccessRole.Lead, "drill run"));
    }

    [Theory]
    [InlineData("Leads", "", "Access:Leads:0 is empty")]
    [InlineData("Responders", "  ", "Access:Responders:0 is empty")]
    [InlineData("Viewers", "*", "Access:Viewers:0 is '*': there are no wildcards")]
    public void BadEntriesAreProblemsNamingTheirKey(string list, string entry, string expected)
    {
        var options = new AccessOptions();
        (list switch { "Leads" => options.Leads, "Responders" => options.Responders, _ => options.Viewers }).Add(entry);

        Assert.Contains(options.Problems(), p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AnEntryLongerThanAnyAddressIsAProblem()
    {
        var options = new AccessOptions { Leads = ["ok@example.com", new string('a', AccessOptions.MaxEntryLength + 1)] };
        Assert.Equal([$"Access:Leads:1 is {AccessOptions.MaxEntryLength + 1} characters; an entry is at most {AccessOptions.MaxEntryLength}."], options.Problems());
        Assert.Empty(new AccessOptions { Leads = [new string('a', AccessOptions.MaxEntryLength)] }.Problems());
    }
}
