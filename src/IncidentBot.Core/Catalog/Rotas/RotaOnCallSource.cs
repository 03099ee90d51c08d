using IncidentBot.OnCall;
using NodaTime;

namespace IncidentBot.Catalog.Rotas;

/// <summary>
/// The built-in on-call source (<c>rota:&lt;name&gt;</c>): who a catalog Rota has on call now and next, with when each
/// shift ends (UTC, as every time the API gives). Names come from the catalog's Users by e-mail, else the e-mail is the name.
/// </summary>
public sealed class RotaOnCallSource(Func<ServiceCatalog> catalog) : IOnCallSource
{
    public const string SourceName = "rota";

    public RotaOnCallSource(CatalogLibrary library)
        : this(() => library.Current)
    {
    }

    public string Name => SourceName;

    public Task<OnCallAnswer> WhoIsOnCallAsync(OnCallTarget target, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var current = catalog();
        if (target.Source != SourceName)
        {
            throw new OnCallSourceException(SourceName, $"`{target}` is not a rota");
        }
        if (current.FindRota(target.Id) is not { } rota)
        {
            throw new OnCallSourceException(SourceName, $"there is no rota `{target.Id}` in the catalog");
        }
        var (now, next) = rota.NowAndNext(Instant.FromDateTimeOffset(at));
        return Task.FromResult(new OnCallAnswer(Person(now, current), next is null ? [] : Person(next, current)));
    }

    private static IReadOnlyList<OnCallPerson> Person(RotaTurn turn, ServiceCatalog catalog) => turn.Who is null
        ? []
        : [new OnCallPerson(catalog.FindUserByEmail(turn.Who)?.Shown ?? turn.Who, turn.Who, 1, turn.Until?.ToDateTimeOffset(), SourceName)];
}
