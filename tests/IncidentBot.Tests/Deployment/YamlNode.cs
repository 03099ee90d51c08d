using YamlDotNet.Serialization;

namespace IncidentBot.Tests.Deployment;

/// <summary>A parsed YAML value with its path, so a failed check names the field it looked at.</summary>
public sealed record YamlNode(object? Value, string Path)
{
    public static YamlNode Load(string file) =>
        new(new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(file)), System.IO.Path.GetFileName(file));

    public YamlNode this[string key] => Find(key) ?? throw new KeyNotFoundException($"{Path} has no `{key}`.");

    public YamlNode? Find(string key) =>
        Value is Dictionary<object, object> map && map.TryGetValue(key, out var value) ? new YamlNode(value, $"{Path}.{key}") : null;

    public IEnumerable<YamlNode> Items =>
        (Value as List<object> ?? throw new InvalidCastException($"{Path} is not a list.")).Select((v, i) => new YamlNode(v, $"{Path}[{i}]"));

    public IEnumerable<(string Key, YamlNode Value)> Entries =>
        (Value as Dictionary<object, object> ?? throw new InvalidCastException($"{Path} is not a map."))
            .Select(e => ((string)e.Key, new YamlNode(e.Value, $"{Path}.{e.Key}")));

    /// <summary>The value written back as YAML, to compare whole subtrees.</summary>
    public string Canonical => new SerializerBuilder().Build().Serialize(Value);

    public string Text => Value as string ?? throw new InvalidCastException($"{Path} is not a scalar.");

    /// <summary>The list item whose <c>name</c> is <paramref name="name"/>, as containers, ports and volumes are found.</summary>
    public YamlNode Named(string name) =>
        Items.SingleOrDefault(i => i.Find("name")?.Text == name) ?? throw new KeyNotFoundException($"{Path} has no item named `{name}`.");
}
