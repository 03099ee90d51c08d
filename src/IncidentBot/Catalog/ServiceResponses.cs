using IncidentBot.Incidents;
using IncidentBot.OnCall;

namespace IncidentBot.Catalog;

/// <summary><c>GET /api/services</c>: every component of the catalog, and the catalog's problems.</summary>
public sealed record ServiceListResponse(IReadOnlyList<ServiceResponse> Services, IReadOnlyList<CatalogErrorResponse> Errors);

/// <summary>One component: what it is, who owns it, who is on call for it, its runbooks and its open incidents.</summary>
public sealed record ServiceResponse(
    string Name, string Ref, string? Title, string? Description, string? Type, string? Lifecycle, string? System,
    ServiceOwnerResponse? Owner, ServiceOnCallResponse OnCall, IReadOnlyList<ServiceRunbookResponse> Runbooks,
    IReadOnlyList<ServiceIncidentResponse> OpenIncidents, string? SlackUsergroup, string? TeamsTeam);

/// <summary>The owning Group (or User) and its people.</summary>
public sealed record ServiceOwnerResponse(string Ref, string Name, string? Email, bool Known, IReadOnlyList<ServicePersonResponse> People);

public sealed record ServicePersonResponse(string Name, string? Email);

/// <summary>
/// Who is on call now and next, as the on-call directory answered: <see cref="AnsweredBy"/> is the target that
/// answered (e.g. <c>rota:payments</c>), <c>fallback</c>, <c>reporter</c> or <c>nobody</c>; <see cref="Failures"/>
/// names each source that could not answer and why.
/// </summary>
public sealed record ServiceOnCallResponse(IReadOnlyList<OnCallPerson> Now, IReadOnlyList<OnCallPerson> Next, string AnsweredBy, bool FromCache, IReadOnlyList<string> Failures, IReadOnlyList<string> Targets);

/// <summary>A runbook of the service: named in <c>incidentbot.io/runbooks</c> or listing the service; <see cref="Found"/> false when the id names no runbook.</summary>
public sealed record ServiceRunbookResponse(string Id, string? Title, bool Found);

public sealed record ServiceIncidentResponse(int Number, string Title, Severity Severity, IncidentStatus Status);

/// <summary>A catalog problem, as <c>catalog lint</c> prints it.</summary>
public sealed record CatalogErrorResponse(string File, int Line, string Message);
