using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using IncidentBot.Alerts.Sources;
using IncidentBot.Hosting;
using IncidentBot.Tests.Infrastructure;

namespace IncidentBot.Tests.Hosting;

/// <summary>docs/configuration.md and the options classes cannot drift apart: every key, both ways, and every default.</summary>
public sealed partial class ConfigurationDocsTests
{
    private static readonly string Docs = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "configuration.md"));

    /// <summary>The options classes by the key they are bound at; SNS settings share a source's entry.</summary>
    private static readonly (string Prefix, Type Type)[] Bound =
        [.. ConfigurationCheck.Sections.Select(s => (s.Key, s.Value)), ("Webhooks:Sources:cloudwatch", typeof(SnsOptions))];

    public static TheoryData<string> Keys() => [.. Bound.SelectMany(b => KeysOf(b.Prefix, b.Type)).Select(k => k.Key)];

    [Theory]
    [MemberData(nameof(Keys))]
    public void EverySettingIsDocumentedWithItsDefault(string key)
    {
        var (_, documented, defaultCell) = Rows().FirstOrDefault(r => r.Keys.Any(k => Matches(k, key)));
        Assert.True(documented is not null, $"docs/configuration.md has no row for {key}");
        var value = Bound.SelectMany(b => KeysOf(b.Prefix, b.Type)).First(k => k.Key == key).Default;
        if (value is not null)
        {
            Assert.Contains($"`{value}`", defaultCell);
        }
    }

    [Fact]
    public void EveryDocumentedKeyOfOurSectionsExists()
    {
        var known = Bound.SelectMany(b => KeysOf(b.Prefix, b.Type)).Select(k => k.Key).ToList();
        foreach (var key in Rows().SelectMany(r => r.Keys).Where(k => ConfigurationCheck.Sections.ContainsKey(k.Split(':')[0])))
        {
            Assert.True(known.Any(k => Matches(key, k)), $"docs/configuration.md documents {key}, which no options class reads");
        }
    }

    /// <summary>Documented keys use <c>&lt;name&gt;</c> for dictionary entries and <c>…:</c> for "same prefix as before".</summary>
    private static bool Matches(string documented, string key)
    {
        var pattern = "^" + string.Join(":", documented.Split(':').Select(part => part.StartsWith('<') || part == "Sev1" ? "[^:]+" : Regex.Escape(part))) + "$";
        return Regex.IsMatch(key, pattern);
    }

    private static IEnumerable<(IReadOnlyList<string> Keys, string? Row, string DefaultCell)> Rows()
    {
        string? previousPrefix = null;
        foreach (Match row in TableRow().Matches(Docs))
        {
            var keys = new List<string>();
            foreach (Match token in Code().Matches(row.Groups["key"].Value))
            {
                var key = token.Groups[1].Value;
                if (key.StartsWith("…:", StringComparison.Ordinal) && previousPrefix is not null)
                {
                    key = previousPrefix + key[1..];
                }
                if (key.Contains(':'))
                {
                    keys.Add(key);
                    previousPrefix = key[..key.LastIndexOf(':')];
                }
            }
            yield return (keys, row.Value, row.Groups["default"].Value);
        }
    }

    /// <summary>Every key an options class reads, with the default a new instance has (null when none or not a single value).</summary>
    private static IEnumerable<(string Key, string? Default)> KeysOf(string prefix, Type type, object? instance = null)
    {
        instance ??= Activator.CreateInstance(type);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = property.PropertyType;
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                var valueType = propertyType.GetGenericArguments()[1];
                if (IsSetting(valueType))
                {
                    yield return ($"{key}:<entry>", null);
                }
                else
                {
                    foreach (var inner in KeysOf($"{key}:<entry>", valueType))
                    {
                        yield return inner;
                    }
                }
                continue;
            }
            // A settings class inside a section (OnCall:PagerDuty) holds keys of its own, with the section's defaults.
            if (propertyType.IsClass && !IsSetting(propertyType) && propertyType.Namespace?.StartsWith("IncidentBot", StringComparison.Ordinal) == true)
            {
                foreach (var inner in KeysOf(key, propertyType, property.GetValue(instance)))
                {
                    yield return inner;
                }
                continue;
            }
            yield return (key, Format(property.GetValue(instance)));
        }
    }

    private static bool IsSetting(Type type) => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || typeof(IEnumerable).IsAssignableFrom(type);

    private static string? Format(object? value) => value switch
    {
        null or IEnumerable and not string => null,
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    [GeneratedRegex(@"^\|\s*(?<key>`[^|]*)\|\s*(?<default>[^|]*)\|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();
}
