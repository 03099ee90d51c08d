using Microsoft.Extensions.Options;

namespace IncidentBot.Catalog;

/// <summary>
/// Where the service catalog lives. Section <c>Catalog</c>: <c>"Catalog": { "Path": "catalog" }</c>: a folder of
/// Backstage <c>catalog-info.yaml</c> descriptors and rotas, or one file. A relative path is taken from the folder
/// that holds appsettings.json.
/// </summary>
public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    public string Path { get; set; } = "catalog";
}

/// <summary>Refuses a <c>Catalog:Path</c> that cannot name a catalog. A path that does not exist yet is allowed (and reported on the Services page).</summary>
public sealed class CatalogOptionsValidation : IValidateOptions<CatalogOptions>
{
    public ValidateOptionsResult Validate(string? name, CatalogOptions options)
    {
        var path = options.Path;
        if (string.IsNullOrWhiteSpace(path))
        {
            return ValidateOptionsResult.Fail("Catalog:Path must name the folder of catalog-info.yaml files (default `catalog`), or one YAML file.");
        }
        if (path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0 || path.Any(char.IsControl))
        {
            return ValidateOptionsResult.Fail("Catalog:Path holds characters no path may hold.");
        }
        if (File.Exists(path) && !(path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
        {
            return ValidateOptionsResult.Fail($"Catalog:Path '{path}' is a file but not a YAML file (.yaml or .yml).");
        }
        return ValidateOptionsResult.Success;
    }
}
