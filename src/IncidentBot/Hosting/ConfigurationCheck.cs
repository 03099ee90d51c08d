using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using IncidentBot.Slack;
using IncidentBot.Storage;
using IncidentBot.Teams;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace IncidentBot.Hosting;

/// <summary>
/// Checks every setting before anything starts and lists every problem at once, each with its key and what is
/// expected, so an operator fixes the configuration in one go instead of one crash at a time.
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>Exit code of a start refused for its configuration (EX_CONFIG in sysexits.h).</summary>
    public const int ExitCode = 78;

    /// <summary>The options classes that own a configuration section (their <c>Section</c> constant), by section.</summary>
    public static IReadOnlyDictionary<string, Type> Sections { get; } =
        new[] { typeof(Program).Assembly, typeof(StorageOptions).Assembly, typeof(SlackOptions).Assembly, typeof(TeamsOptions).Assembly }
            .SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .ToDictionary(x => (string)x.Field!.GetRawConstantValue()!, x => x.Type, StringComparer.OrdinalIgnoreCase);

    /// <summary>Writes the problems to standard error and returns false when there are any.</summary>
    public static bool Passes(WebApplication app) => Report(FindProblems(app.Configuration, app.Services));

    /// <summary>
    /// Once the server has started: the addresses it really bound, whatever set them (code, a configuration source
    /// the first check does not read), reach beyond this machine only with <c>WebConsole:AccessToken</c>.
    /// </summary>
    public static bool ListensSafely(WebApplication app) =>
        Report(ListeningAddresses.Problem(ListeningAddresses.Bound(app.Services.GetRequiredService<IServer>()), AccessToken(app.Services)) is { } problem ? [problem] : []);

    /// <summary>Writes the problems to standard error, as the start-up report; true when there are none.</summary>
    public static bool Report(IReadOnlyList<string> problems)
    {
        if (problems.Count == 0)
        {
            return true;
        }
        Console.Error.WriteLine($"IncidentBot cannot start: {problems.Count} configuration problem(s) (appsettings.json, environment variables, command line):");
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"  - {problem}");
        }
        Console.Error.WriteLine("Every key is described in docs/configuration.md.");
        return false;
    }

    public static IReadOnlyList<string> FindProblems(IConfiguration configuration, IServiceProvider services)
    {
        var problems = new List<string>();
        if (SecretFilesExtensions.Problem(configuration) is { } secrets)
        {
            problems.Add(secrets);
        }
        if (DataFileInUse(services) is { } inUse)
        {
            problems.Add(inUse);
        }
        if (ListeningAddresses.Problem(ListeningAddresses.Configured(configuration), AccessToken(services)) is { } exposed)
        {
            problems.Add(exposed);
        }
        foreach (var (name, type) in Sections.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var section = configuration.GetSection(name);
            var before = problems.Count;
            CheckObject(type, section, problems, reportUnknown: true);
            if (problems.Count == before)
            {
                problems.AddRange(Validate(type, services));
            }
        }
        return problems;
    }

    /// <summary>The credential beyond loopback needs: the shared token, or sign-in through an OpenID Connect provider.</summary>
    private static string? AccessToken(IServiceProvider services) =>
        WebConsole.OidcSignIn.Enabled(services.GetRequiredService<IConfiguration>()) ? WebConsole.OidcOptions.Section
            : services.GetRequiredService<IOptions<WebConsole.WebConsoleOptions>>().Value.AccessToken;

    /// <summary>
    /// LiteDB does not keep a second process out of its file on Linux, and two writers corrupt it: a second bot on
    /// the same file (a second replica, a forgotten test run) is refused here, with the way to run several: PostgreSQL.
    /// </summary>
    private static string? DataFileInUse(IServiceProvider services)
    {
        StorageOptions options;
        try
        {
            options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        }
        catch (OptionsValidationException)
        {
            return null; // reported with the Storage section's problems
        }
        if (options.UsesPostgres || string.IsNullOrWhiteSpace(options.Path))
        {
            return null;
        }
        var path = BotHome.Resolve(services.GetRequiredService<IHostEnvironment>(), options.Path);
        return Backups.DataFileLock.InUse(path)
            ? $"Storage:Path: the data file '{path}' is open in another process, most likely a running IncidentBot; two bots on one file would corrupt it. Stop the other one, or give this one its own Storage:Path. LiteDB runs one bot process; to run several replicas, move to PostgreSQL (Storage:Provider=postgres; `storage copy` moves this file into it; see docs/high-availability.md)"
            : null;
    }

    /// <summary>Runs the options' own validation (the rules that need several values together).</summary>
    private static IEnumerable<string> Validate(Type type, IServiceProvider services)
    {
        var monitor = services.GetService(typeof(IOptionsMonitor<>).MakeGenericType(type));
        try
        {
            monitor?.GetType().GetProperty(nameof(IOptionsMonitor<object>.CurrentValue))!.GetValue(monitor);
            return [];
        }
        catch (TargetInvocationException ex) when (ex.InnerException is OptionsValidationException invalid)
        {
            return invalid.Failures;
        }
    }

    private static void CheckObject(Type type, IConfigurationSection section, List<string> problems, bool reportUnknown)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                CheckValue(property.PropertyType, child, problems);
            }
            else if (reportUnknown)
            {
                var guess = Suggestion.Closest(child.Key, properties.Keys, maxEdits: 3);
                problems.Add($"{child.Path}: not a setting of {section.Path}{(guess is null ? "" : $"; did you mean {section.Path}:{guess}?")}");
            }
        }
    }

    private static void CheckValue(Type type, IConfigurationSection section, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            if (section.Value is { } text && !Converts(type, text))
            {
                // Only non-strings fail to convert, so the value shown is never a secret.
                problems.Add($"{section.Path}: '{text}' is not {Expected(type)}");
            }
            else if (section.Value is null && section.GetChildren().Any())
            {
                problems.Add($"{section.Path}: expected a single value ({Expected(type)}), not a section");
            }
            return;
        }
        if (DictionaryTypes(type) is { } entry)
        {
            foreach (var child in section.GetChildren())
            {
                if (!Converts(entry.Key, child.Key))
                {
                    problems.Add($"{child.Path}: '{child.Key}' is not {Expected(entry.Key)}");
                }
                CheckElement(entry.Value, child, problems);
            }
            return;
        }
        if (ElementType(type) is { } element)
        {
            foreach (var child in section.GetChildren())
            {
                CheckElement(element, child, problems);
            }
            return;
        }
        CheckObject(type, section, problems, reportUnknown: true);
    }

    // Entries of dictionaries and lists may be read by more than one options class (Webhooks:Sources:cloudwatch
    // is both a source's credentials and its SNS settings), so keys unknown to one class are not reported there.
    private static void CheckElement(Type type, IConfigurationSection section, List<string> problems)
    {
        if (IsScalar(Nullable.GetUnderlyingType(type) ?? type) || DictionaryTypes(type) is not null || ElementType(type) is not null)
        {
            CheckValue(type, section, problems);
        }
        else
        {
            CheckObject(type, section, problems, reportUnknown: false);
        }
    }

    private static bool IsScalar(Type type) => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri) || type == typeof(DateTimeOffset);

    private static (Type Key, Type Value)? DictionaryTypes(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? (type.GetGenericArguments()[0], type.GetGenericArguments()[1]) : null;

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments() is [var element] ? element
        : null;

    private static bool Converts(Type type, string text)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return true;
        }
        if (type.IsEnum)
        {
            // The binder takes names (any case) and numbers; only defined values mean anything here.
            return Enum.TryParse(type, text, ignoreCase: true, out var value) && Enum.IsDefined(type, value!);
        }
        try
        {
            return TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text) is not null;
        }
        catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    private static string Expected(Type type) => type switch
    {
        _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type))}",
        _ when type == typeof(TimeSpan) => "a duration as hh:mm:ss (e.g. 00:15:00, or 1.00:00:00 for a day)",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(double) || type == typeof(decimal) => "a number",
        _ when type == typeof(Uri) => "an absolute URL",
        _ => $"a {type.Name}",
    };
}
