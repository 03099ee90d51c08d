using IncidentBot.Alerts;
using IncidentBot.Chat.Commands;
using IncidentBot.Chat.Outbox;
using IncidentBot.Chat.Platforms;
using IncidentBot.Inbound;
using IncidentBot.Incidents;
using IncidentBot.Roles;
using IncidentBot.Runbooks;
using IncidentBot.Storage;
using IncidentBot.Storage.LiteDb;
using IncidentBot.Storage.Postgres;
using Microsoft.Extensions.Options;

namespace IncidentBot.Hosting;

/// <summary>Registers the incident core and its store (the embedded LiteDB file, or PostgreSQL).</summary>
internal static class IncidentCoreExtensions
{
    public static IHostApplicationBuilder AddIncidentCore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageValidation>();
        services.AddOptions<IncidentOptions>().BindConfiguration(IncidentOptions.Section);
        services.AddOptions<AlertDetailOptions>().BindConfiguration(AlertDetailOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertDetailOptions>, AlertDetailOptionsValidation>();
        services.AddOptions<RoleOptions>().BindConfiguration(RoleOptions.Section);
        services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section)
            .Validate(o => o.BatchSize is > 0 and <= 10_000, "Intake:BatchSize must be between 1 and 10000.")
            .ValidateOnStart();
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section);
        services.AddOptions<InputLimits>().BindConfiguration(InputLimits.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InputLimits>, InputLimitsValidation>();
        services.AddOptions<RunbookOptions>().BindConfiguration(RunbookOptions.Section)
            .PostConfigure<IHostEnvironment>((o, environment) => o.Path = BotHome.Resolve(environment, o.Path));

        services.AddSingleton(TimeProvider.System);
        builder.AddStorage();
        services.AddSingleton<RunbookLibrary>();

        services.AddSingleton<RoleCatalog>();
        services.AddSingleton<ChatPlatforms>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<AlertInboxSignal>();
        services.AddSingleton<AlertStormSummaries>();
        services.AddSingleton<IncidentService>();
        services.AddSingleton<ChatCommandHandler>();

        // Stopped after every loop below: finishes the inbox and the outbox on SIGTERM.
        services.AddHostedService<GracefulShutdown>();

        // Each background loop is one singleton, also registered as a hosted service so others can read its state.
        services.AddSingleton<AlertInbox>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertInbox>());
        services.AddSingleton<AlertProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertProcessor>());
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddHostedService<DeduplicationPruner>();
        services.AddHostedService<AlertStormFlusher>();
        return builder;
    }

    /// <summary>
    /// The store <c>Storage:Provider</c> names: <c>postgres</c>, or LiteDB (the default). Nothing is opened here: an
    /// unknown provider or a bad connection string is refused by the configuration check before any store is used.
    /// </summary>
    private static void AddStorage(this IHostApplicationBuilder builder)
    {
        var provider = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (provider.UsesPostgres)
        {
            builder.Services.AddPostgresStorage(sp => sp.GetRequiredService<IConfiguration>().GetConnectionString(StorageOptions.ConnectionStringName)!);
        }
        else
        {
            builder.Services.AddLiteDbStorage(sp => BotHome.Resolve(sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<IOptions<StorageOptions>>().Value.Path));
        }
    }
}
