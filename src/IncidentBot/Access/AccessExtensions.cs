using IncidentBot.Drills;
using Microsoft.Extensions.Options;

namespace IncidentBot.Access;

/// <summary>
/// Roles (<c>Access:Leads</c>, <c>Access:Responders</c>, <c>Access:Viewers</c>): the options, checked at start, the one
/// <see cref="AccessPolicy"/> chat commands and HTTP endpoints ask, and the API tokens' administration.
/// </summary>
internal static class AccessExtensions
{
    public static IHostApplicationBuilder AddAccessRoles(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AccessOptions>, Validation>();
        builder.Services.AddSingleton<AccessPolicy>();
        builder.Services.AddSingleton<ApiTokenAdministration>();
        builder.Services.AddHostedService<DrillLeadsNotice>();
        return builder;
    }

    /// <summary>Every problem of <c>Access</c> at start, each with its key.</summary>
    private sealed class Validation : IValidateOptions<AccessOptions>
    {
        public ValidateOptionsResult Validate(string? name, AccessOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    /// <summary>
    /// <c>Drills:Leads</c> still names leads, so old configurations keep working; the log says once, at start, where
    /// leads belong now.
    /// </summary>
    private sealed class DrillLeadsNotice(IOptions<DrillOptions> drills, IOptions<AccessOptions> access, ILogger<AccessPolicy> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (drills.Value.Leads.Count > 0)
            {
                logger.LogWarning("Drills:Leads is deprecated: move its {Count} lead(s) to Access:Leads (e-mail addresses or groups). They still count as leads{Mode}",
                    drills.Value.Leads.Count, access.Value.Configured ? ", beside Access:Leads" : "; everyone else is a responder while no Access list is set");
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
