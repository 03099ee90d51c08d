using System.Collections;
using System.Reflection;
using IncidentBot.Hosting;
using IncidentBot.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace IncidentBot.Tests.Deployment;

/// <summary>
/// Decides whether an environment variable names a setting the bot reads, from the code itself so it cannot drift:
/// the properties of every options class (found by its <c>Section</c> constant), the keys of the root
/// appsettings.json (e.g. <c>Logging</c>), and the host addresses ASP.NET Core reads.
/// </summary>
public static class ConfigurationKeys
{
    private static readonly string[] HostSettings = [
        "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT",
        // The PostgreSQL store's connection string (GetConnectionString, not an options class).
        "ConnectionStrings__IncidentBot",
    ];

    private static readonly HashSet<string> AppSettings = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(RepositoryPaths.Root, "appsettings.json")).Build()
        .AsEnumerable().Select(e => e.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Null when the bot reads <paramref name="variable"/>; otherwise why not.</summary>
    public static string? Problem(string variable)
    {
        if (HostSettings.Contains(variable))
        {
            return null;
        }
        var key = variable.Replace("__", ":");
        if (AppSettings.Contains(key))
        {
            return null;
        }
        var segments = key.Split(':');
        if (!ConfigurationCheck.Sections.TryGetValue(segments[0], out var type))
        {
            return $"{variable}: no options class reads section `{segments[0]}` and appsettings.json has no `{key}`";
        }
        foreach (var segment in segments[1..])
        {
            var next = Step(type, segment);
            if (next is null)
            {
                return $"{variable}: {type.Name} has no setting `{segment}`";
            }
            type = next;
        }
        return IsValue(type) ? null : $"{variable}: `{key}` is a section ({type.Name}), not a value";
    }

    /// <summary>The type the binder fills for <paramref name="segment"/> inside <paramref name="type"/>, or null.</summary>
    private static Type? Step(Type type, string segment)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return type.GetGenericArguments()[1];
        }
        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
        {
            return int.TryParse(segment, out _) ? (type.IsArray ? type.GetElementType() : type.GetGenericArguments()[0]) : null;
        }
        var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is not null && (property.SetMethod?.IsPublic == true || !IsValue(property.PropertyType)) ? property.PropertyType : null;
    }

    private static bool IsValue(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTimeOffset) || type == typeof(Uri);
    }
}
