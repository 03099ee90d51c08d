using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// ASP.NET Core Data Protection's key ring in the <c>data_protection_keys</c> table, so every replica encrypts and
/// reads the web console's session cookies with the same keys. Data Protection reads all elements when it builds its
/// key ring (at the first cookie, then about once a day) and stores a key when it makes one; a key stored by one
/// replica is read by the others on their next read. The first key is made by one replica only
/// (<see cref="EnsureKeyAsync"/>), so replicas starting together never each make a first key of their own.
/// </summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource, ILogger<PostgresXmlRepository> logger) : IXmlRepository
{
    /// <summary>The advisory lock the replicas take while one of them makes the first key: "IncBotDP" as a number.</summary>
    public const long FirstKeyLock = 0x496E63426F744450;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand("SELECT friendly_name, xml FROM data_protection_keys ORDER BY id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            try
            {
                elements.Add(XElement.Parse(reader.GetString(1)));
            }
            catch (XmlException ex)
            {
                // One damaged row must not take every session down: the key is left out, its cookies are refused.
                logger.LogError("Session key {Name} in data_protection_keys is not readable XML ({Reason}); it is left out of the key ring", reader.GetString(0), ex.Message);
            }
        }
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = dataSource.CreateCommand(
            "INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@name, @xml) ON CONFLICT (friendly_name) DO NOTHING");
        command.Parameters.AddWithValue("name", friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Makes sure the key ring has a key in use now, making it if there is none, one replica at a time (an advisory
    /// lock): a replica that waited finds the key the first one made and uses it. Later keys are made by Data
    /// Protection itself ahead of time (two days before the current one expires), and every replica reads them
    /// within a day, before they are used.
    /// </summary>
    public async Task EnsureKeyAsync(IKeyManager keys, TimeSpan lifetime, TimeProvider time, CancellationToken cancellationToken)
    {
        // Not from the pool: the session-level lock ends with this connection's session even if the unlock never runs.
        await using var connection = await PostgresStorageExtensions.OpenUnpooledAsync(dataSource, null, cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            take.Parameters.AddWithValue("key", FirstKeyLock);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            var now = time.GetUtcNow();
            if (!keys.GetAllKeys().Any(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now))
            {
                var key = keys.CreateNewKey(now, now + lifetime);
                logger.LogInformation("Made the first console session key {KeyId}; every replica uses it", key.KeyId);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            release.Parameters.AddWithValue("key", FirstKeyLock);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}

/// <summary>At start, before the console takes requests: the shared key ring has a key (<see cref="PostgresXmlRepository.EnsureKeyAsync"/>).</summary>
internal sealed class PostgresFirstSessionKey(PostgresXmlRepository repository, IKeyManager keys, IOptions<KeyManagementOptions> options, TimeProvider time, ILogger<PostgresFirstSessionKey> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await repository.EnsureKeyAsync(keys, options.Value.NewKeyLifetime, time, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // Degrade, never stop: Data Protection makes a key itself when it needs one (then two replicas starting
            // at this same moment may each make one; the sessions of the other one's are refused until its next read).
            logger.LogWarning("Could not check the shared console session keys at start ({Reason}); Data Protection makes one when it needs it", ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
