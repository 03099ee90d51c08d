namespace IncidentBot.Hosting;

/// <summary>Gives Kestrel IncidentBot's documented default address.</summary>
internal static class DefaultAddressExtensions
{
    /// <summary>Where the bot listens unless told otherwise.</summary>
    public const string Address = "http://localhost:5080";

    /// <summary>
    /// Uses <paramref name="address"/> only when no address was configured. Set here rather than in appsettings.json,
    /// where it would silently override <c>ASPNETCORE_URLS</c>; Kestrel's own <c>Kestrel:Endpoints</c> replace it anyway.
    /// </summary>
    public static void UseDefaultAddress(this WebApplicationBuilder builder, string address)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"])
            && !builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            builder.WebHost.UseUrls(address);
        }
    }
}
